// npm run --silent token [-- --customer <id> | --admin]: prints a signed JWT and nothing else.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import steps from './lib/steps.js';
import localEnv from './lib/local-env.js';

const tool = path.join(steps.root, 'services', 'api-gateway', 'dist', 'tools', 'token.js');
if (!existsSync(tool)) {
  steps.ensureDependencies();
  steps.build();
}
const env = localEnv.serviceEnv('api-gateway', { profile: 'dev' });
const result = spawnSync(process.execPath, [tool, ...process.argv.slice(2)], { env, stdio: 'inherit' });
process.exit(result.status ?? 1);

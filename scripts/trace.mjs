// npm run trace -- <orderId> [--jaeger URL] [--json] [--lookback 2d] [--limit 100]: an order's traces
// from Jaeger as a terminal waterfall (tools/ops). scripts/observe/jaeger.sh up starts a local Jaeger.
import path from 'node:path';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import steps from './lib/steps.js';

const cli = path.join(steps.root, 'tools', 'ops', 'dist', 'trace.js');
if (!existsSync(cli)) steps.build();
const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);

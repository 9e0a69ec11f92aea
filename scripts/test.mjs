// npm test [-- jest args]: prepare what the tests need (deps, build, RabbitMQ, Postgres, test
// databases, k8s tools) and run every test. Results also go to reports/jest-results.json.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import steps from './lib/steps.js';

const { root, say, prepare, run } = steps;

prepare({ profile: 'test', withSeed: false });
const k8sTools = path.join(root, 'scripts', 'k8s', 'tools.sh');
if (existsSync(k8sTools)) {
  say('checking helm, kubeconform and schemas');
  run('bash', [k8sTools]);
}

mkdirSync(path.join(root, 'reports'), { recursive: true });
say('running jest');
const jest = path.join(root, 'node_modules', '.bin', 'jest');
const result = spawnSync(jest, ['--json', '--outputFile=reports/jest-results.json', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);

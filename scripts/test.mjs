// npm test [-- jest args]: prepare what the tests need (deps, build, the test profile's own RabbitMQ
// node and PostgreSQL cluster, test databases, k8s tools) and run every test. Results also go to
// reports/jest-results.json. The test broker and database are stopped again afterwards if this run
// started them (KEEP_INFRA=1 keeps them up, e.g. for `npx jest <file>` runs).
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import steps from './lib/steps.js';

const { root, say, prepare, run, withInfrastructure } = steps;

function runTests() {
  prepare({ profile: 'test', withSeed: false });
  const k8sTools = path.join(root, 'scripts', 'k8s', 'tools.sh');
  if (existsSync(k8sTools)) {
    say('checking helm, kubeconform and schemas');
    run('bash', [k8sTools]);
  }
  mkdirSync(path.join(root, 'reports'), { recursive: true });
  say('running jest');
  const jest = path.join(root, 'node_modules', '.bin', 'jest');
  const args = ['--json', '--outputFile=reports/jest-results.json', ...process.argv.slice(2)];
  return spawnSync(jest, args, { cwd: root, stdio: 'inherit' }).status ?? 1;
}

process.exit(withInfrastructure('test', runTests));

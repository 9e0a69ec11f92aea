// npm test [-- jest args]: prepare what the tests need (deps, build, the test profile's own RabbitMQ
// node and PostgreSQL cluster, test databases, k8s tools, Chromium), lint (`npm run lint`) and run every test. Results also go to
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
  // The HTML report's test opens it in Debian's Chromium; without it that test fails and says why.
  say('checking Chromium (scripts/chromium.sh)');
  if (spawnSync('bash', [path.join(root, 'scripts', 'chromium.sh')], { cwd: root, stdio: 'inherit' }).status !== 0) say('no Chromium: the HTML report test will fail');
  // The schemathesis run's venv: created and filled once per pinned version, then cached.
  say('checking schemathesis (scripts/fuzz/schemathesis.sh)');
  if (spawnSync('bash', [path.join(root, 'scripts', 'fuzz', 'schemathesis.sh'), '--installed-version'], { cwd: root, stdio: 'inherit' }).status !== 0) say('no schemathesis: the fuzz test will fail');
  // The tracing test's Jaeger: built once from the Go module proxy (minutes, cold), then cached.
  say('checking Jaeger (scripts/observe/jaeger.sh build)');
  run('bash', [path.join(root, 'scripts', 'observe', 'jaeger.sh'), 'build']);
  // Type-checks every test file, lints, and checks the layering rules (dependency-cruiser).
  say('linting (npm run lint)');
  const lint = spawnSync('npm', ['run', '--silent', 'lint'], { cwd: root, stdio: 'inherit' }).status;
  if (lint !== 0) say('npm run lint failed; the tests run anyway, and npm test fails');
  mkdirSync(path.join(root, 'reports'), { recursive: true });
  say('running jest');
  const jest = path.join(root, 'node_modules', '.bin', 'jest');
  const args = ['--json', '--outputFile=reports/jest-results.json', ...process.argv.slice(2)];
  const tests = spawnSync(jest, args, { cwd: root, stdio: 'inherit' }).status ?? 1;
  return tests !== 0 ? tests : lint === 0 ? 0 : 1;
}

process.exit(withInfrastructure('test', runTests));

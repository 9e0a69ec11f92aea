// npm run test:cluster: builds (cached) and starts a control plane on loopback (scripts/cluster), runs
// Jest over tests/cluster with its results in reports/cluster-results.json, and stops everything it
// started, whatever happened. Extra arguments go to Jest.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import steps from '../lib/steps.js';

const { root, say, prepare, run, ensureInfrastructure } = steps;
const script = (name) => path.join(root, 'scripts', 'cluster', name);
const started = Date.now();
const elapsed = () => `${Math.round((Date.now() - started) / 1000)}s`;

prepare({ profile: 'test', withSeed: false });
// KEDA's and the pods' vhosts live on the machine's default RabbitMQ node (the dev profile's).
ensureInfrastructure('dev');
say('checking helm, kubeconform and schemas');
run('bash', [path.join(root, 'scripts', 'k8s', 'tools.sh')]);
say('building the control plane (cached after the first run)');
run('bash', [script('toolchain.sh')]);
say(`toolchain ready after ${elapsed()}`);

mkdirSync(path.join(root, 'reports'), { recursive: true });
rmSync(path.join(root, 'reports', 'cluster-results.json'), { force: true });

let stateDir;
let stopping = false;
function down() {
  if (!stateDir || stopping) return;
  stopping = true;
  say('stopping the control plane');
  spawnSync('bash', [script('down.sh'), stateDir], { cwd: root, stdio: 'inherit' });
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    down();
    process.exit(130);
  });
}

let status = 1;
try {
  say('starting the control plane');
  const up = spawnSync('bash', [script('up.sh')], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  // up.sh prints its state directory first, so even a half-started plane is stopped below.
  stateDir = up.stdout.trim().split('\n')[0] || undefined;
  if (up.status !== 0) throw new Error(`up.sh failed with ${up.status}`);
  say(`control plane up after ${elapsed()} (state in ${stateDir})`);
  const jest = path.join(root, 'node_modules', '.bin', 'jest');
  const result = spawnSync(jest, ['-c', 'jest.cluster.config.js', '--json', '--outputFile=reports/cluster-results.json', ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, CLUSTER_STATE_DIR: stateDir },
  });
  status = result.status ?? 1;
} catch (err) {
  process.stderr.write(`${err.message}\n`);
} finally {
  down();
}
say(`cluster tests finished after ${elapsed()} with exit code ${status}`);
process.exit(status);

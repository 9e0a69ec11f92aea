// The HA topology for the scripts that run on it (npm run ha, npm run test:ha, npm run test:chaos
// -- --topology ha): scripts/ha/ha.sh with the topology's names and ports, and a run wrapped in it.
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import steps from '../lib/steps.js';
import localEnv from '../lib/local-env.js';
import ports from '../lib/ports.js';

const { root, say } = steps;

/** One command of scripts/ha/ha.sh; its exit status. */
export const ha = (...args) =>
  spawnSync('bash', [path.join(root, 'scripts', 'ha', 'ha.sh'), ...args], { cwd: root, stdio: 'inherit', env: { ...process.env, ...localEnv.haEnv() } }).status;

/**
 * Builds, starts the topology (ha.sh up) and migrates its databases, runs `body`, then stops the
 * nodes and clusters again unless KEEP_INFRA=1. The faults take down the nodes npm run ha uses:
 * refused while it runs.
 */
export async function withHaTopology(body) {
  const gatewayPort = localEnv.haInfrastructure.servicePorts['api-gateway'];
  if ((await ports.takenPorts({ 'npm run ha gateway': gatewayPort })).length > 0) {
    process.stderr.write(`npm run ha is running (port ${gatewayPort}): stop it first, the faults take its nodes down.\n`);
    process.exit(1);
  }
  steps.ensureDependencies();
  steps.build();
  say('starting the HA topology (scripts/ha/ha.sh up)');
  if (ha('up') !== 0) process.exit(1);
  try {
    steps.migrate('ha');
    return body();
  } finally {
    if (!process.env.KEEP_INFRA) ha('down');
  }
}

#!/usr/bin/env node
// npm run bench: builds, makes sure RabbitMQ, Postgres and the test databases are migrated, then
// runs the compiled benchmark (which starts its own services npm-free). Node built-ins only here.
// With --topology ha it also starts npm run ha's nodes and clusters and migrates their databases.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const steps = require('../../../scripts/lib/steps.js');
const { haEnv } = require('../../../scripts/lib/local-env.js');

const argv = process.argv.slice(2);
const topology = argv.find((a, i) => argv[i - 1] === '--topology') ?? argv.find((a) => a.startsWith('--topology='))?.slice(11);
if (!argv.includes('--help') && !argv.includes('-h')) {
  steps.prepare({ profile: 'test', withSeed: false });
  if (topology === 'ha') {
    steps.say('starting the HA topology (scripts/ha/ha.sh up)');
    const up = () => spawnSync('bash', [path.join(steps.root, 'scripts', 'ha', 'ha.sh'), 'up'], { stdio: 'inherit', env: { ...process.env, ...haEnv() } }).status;
    // RabbitMQ 3.10 nodes started together after a stop may fail a feature-flag sync at boot
    // (incompatible_feature_flags, badmap) while their peers come up; the second start succeeds.
    if (up() !== 0) {
      steps.say('scripts/ha/ha.sh up failed; once more, now that the other nodes are up');
      if (up() !== 0) throw new Error('scripts/ha/ha.sh up failed (npm run ha -- stop removes what it created)');
    }
    steps.migrate('ha');
  }
}
require('../dist/bench.main.js');

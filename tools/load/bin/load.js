#!/usr/bin/env node
// npm run load: makes sure the build is current (and, with --spawn, that RabbitMQ, Postgres and
// the test databases are migrated), then runs the compiled load tool. Node built-ins only here.
const steps = require('../../../scripts/lib/steps.js');

const argv = process.argv.slice(2);
if (!argv.includes('--help') && !argv.includes('-h')) {
  if (argv.includes('--spawn')) steps.prepare({ profile: 'test', withSeed: false });
  else {
    steps.ensureDependencies();
    steps.build();
  }
}
require('../dist/load.main.js');

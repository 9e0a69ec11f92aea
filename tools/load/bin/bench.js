#!/usr/bin/env node
// npm run bench: builds, makes sure RabbitMQ, Postgres and the test databases are migrated, then
// runs the compiled benchmark (which starts its own services npm-free). Node built-ins only here.
const steps = require('../../../scripts/lib/steps.js');

const argv = process.argv.slice(2);
if (!argv.includes('--help') && !argv.includes('-h')) steps.prepare({ profile: 'test', withSeed: false });
require('../dist/bench.main.js');

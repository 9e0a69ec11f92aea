// npm run seed [-- --profile dev|test]: the demo customers and products (idempotent).
import { parseArgs } from 'node:util';
import steps from './lib/steps.js';
import localEnv from './lib/local-env.js';

let values;
try {
  ({ values } = parseArgs({ options: { profile: { type: 'string', default: 'dev' } } }));
} catch (err) {
  process.stderr.write(`seed: ${err.message}\n`);
  process.exit(2);
}
if (!(values.profile in localEnv.infrastructure)) {
  process.stderr.write(`seed: --profile must be one of ${Object.keys(localEnv.infrastructure).join(', ')}\n`);
  process.exit(2);
}
steps.seed(values.profile);

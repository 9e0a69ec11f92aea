// npm run --silent token [-- --customer <id> | --admin] [--ttl <s>] [--hs256]: prints a signed JWT and nothing else.
// It signs as the local identity provider would (scripts/lib/dev-identity.js): ES256 with this
// machine's dev key, which `npm start`'s gateway trusts. --hs256 signs with the dev-only shared
// secret instead, for a kind/k3d cluster installed with values-dev.yaml.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import devIdentity from './lib/dev-identity.js';
import steps from './lib/steps.js';

const usage = 'usage: token [--customer <uuid> | --admin] [--ttl <seconds>] [--hs256]';
/** The operator identity `--admin` signs for; it owns no orders. */
const demoAdminId = '00000000-0000-4000-8000-00000000ad01';
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function fail(message) {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: { customer: { type: 'string' }, admin: { type: 'boolean' }, ttl: { type: 'string' }, hs256: { type: 'boolean' } },
    strict: true,
    allowPositionals: false,
  }));
} catch (err) {
  fail(err.message);
}
if (values.admin && values.customer) fail('--admin and --customer exclude each other');
const demoData = path.join(steps.root, 'libs', 'demo-data', 'dist', 'index.js');
if (!existsSync(demoData)) {
  steps.ensureDependencies();
  steps.build();
}
const customerId = values.customer ?? createRequire(import.meta.url)(demoData).demoCustomerId(1);
if (!uuidPattern.test(customerId)) fail(`--customer must be a uuid, got ${values.customer}`);
const ttl = values.ttl === undefined ? 24 * 3600 : Number(values.ttl);
if (!Number.isInteger(ttl) || ttl <= 0) fail(`--ttl must be a positive number of seconds, got ${values.ttl}`);

const token = await devIdentity.signDevToken({
  sub: values.admin ? demoAdminId : customerId,
  role: values.admin ? 'admin' : 'customer',
  expiresIn: ttl,
  hs256: values.hs256,
});
process.stdout.write(`${token}\n`);

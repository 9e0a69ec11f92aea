import { parseArgs } from 'node:util';
import { uuid } from '@shop/contracts';
import { demoCustomerId } from '@shop/demo-data';
import { configOrExit } from '@shop/platform';
import { loadGatewayConfig } from '../config';
import { demoAdminId, signToken } from '../domain/tokens';

const usage = 'usage: token [--customer <uuid> | --admin] [--ttl <seconds>]';

function fail(message: string): never {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
}

/** Prints only the token on stdout, so `TOKEN=$(npm run --silent token)` works. */
async function main(): Promise<void> {
  const config = configOrExit(() => loadGatewayConfig(process.env));
  let values: { customer?: string; admin?: boolean; ttl?: string };
  try {
    ({ values } = parseArgs({
      options: { customer: { type: 'string' }, admin: { type: 'boolean' }, ttl: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (values.admin && values.customer) fail('--admin and --customer exclude each other');
  const { value: customerId, error } = uuid.validate(values.customer ?? demoCustomerId(1));
  if (error) fail(`--customer must be a uuid, got ${values.customer}`);
  const ttl = values.ttl === undefined ? 24 * 3600 : Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl <= 0) fail(`--ttl must be a positive number of seconds, got ${values.ttl}`);

  const token = await signToken({
    sub: values.admin ? demoAdminId : (customerId as string),
    role: values.admin ? 'admin' : 'customer',
    secret: config.jwtSecret,
    issuer: config.jwtIssuer,
    expiresIn: ttl,
  });
  process.stdout.write(`${token}\n`);
}

main().catch((err) => fail(String(err)));

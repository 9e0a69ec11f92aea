import { demoCustomerCount, demoCustomerId } from '@shop/demo-data';
import { configOrExit, createLogger } from '@shop/platform';
import { loadCustomerServiceConfig } from '../config';
import { createCustomerDataSource } from './data-source';

/** Demo customers with stable ids; running it again changes nothing. */
async function seed(): Promise<void> {
  const config = configOrExit(() => loadCustomerServiceConfig(process.env));
  const logger = createLogger('customer-service-seed', config.logLevel);
  const db = await createCustomerDataSource(config.databaseUrl, 1).initialize();
  const numbers = Array.from({ length: demoCustomerCount }, (_, i) => i + 1);
  const rows: Array<{ id: string }> = await db.query(
    `INSERT INTO customers (id, name, email, shipping_address)
     SELECT id, name, email, jsonb_build_object('line1', n || ' Demo Street', 'city', 'Berlin', 'postalCode', '10115', 'country', 'DE')
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[]) AS t(id, name, email, n)
     ON CONFLICT DO NOTHING RETURNING id`,
    [numbers.map(demoCustomerId), numbers.map((n) => `Demo Customer ${n}`), numbers.map((n) => `customer${n}@example.com`), numbers],
  );
  logger.info({ inserted: rows.length, total: demoCustomerCount }, 'customers seeded');
  await db.destroy();
}

seed().catch((err) => {
  process.stderr.write(`seeding customers failed: ${String(err)}\n`);
  process.exit(1);
});

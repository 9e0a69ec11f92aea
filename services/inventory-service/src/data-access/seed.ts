import { demoProductCount, demoProductId } from '@shop/demo-data';
import { configOrExit, createLogger } from '@shop/platform';
import { loadInventoryServiceConfig } from '../config';
import { createInventoryDataSource } from './data-source';

/** Demo products with stable ids; every 100th is sold out. Running it again changes nothing. */
async function seed(): Promise<void> {
  const config = configOrExit(() => loadInventoryServiceConfig(process.env));
  const logger = createLogger('inventory-service-seed', config.logLevel);
  const db = await createInventoryDataSource(config.databaseUrl, 1).initialize();
  const numbers = Array.from({ length: demoProductCount }, (_, i) => i + 1);
  const rows: Array<{ id: string }> = await db.query(
    `INSERT INTO products (id, name, price, on_hand)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::int[])
     ON CONFLICT DO NOTHING RETURNING id`,
    [
      numbers.map(demoProductId),
      numbers.map((n) => `Demo Product ${n}`),
      numbers.map((n) => 100 + ((n * 7919) % 9900)),
      numbers.map((n) => (n % 100 === 0 ? 0 : 100_000)),
    ],
  );
  logger.info({ inserted: rows.length, total: demoProductCount }, 'products seeded');
  await db.destroy();
}

seed().catch((err) => {
  process.stderr.write(`seeding products failed: ${String(err)}\n`);
  process.exit(1);
});

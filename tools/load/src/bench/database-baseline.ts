import { randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';

export interface DatabaseBaseline {
  rows: number;
  concurrency: number;
  seconds: number;
  perSecond: number;
}

/**
 * R_db: one order row per transaction (BEGIN, INSERT, COMMIT: the round trips an ORM transaction
 * makes), at a given concurrency, into a scratch copy of the orders table with the same columns
 * and indexes. That is the database ceiling of a design that writes each order on its own.
 */
export async function measureDatabase(options: { databaseUrl: string; rows: number; concurrency: number }): Promise<DatabaseBaseline> {
  const { rows, concurrency } = options;
  const table = `bench_orders_${randomBytes(4).toString('hex')}`;
  const db = new Pool({ connectionString: options.databaseUrl, max: concurrency });
  const items = JSON.stringify([{ productId: randomUUID(), quantity: 2 }, { productId: randomUUID(), quantity: 1 }]);
  try {
    await db.query(`CREATE TABLE ${table} (LIKE orders INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`);
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      const client = await db.connect();
      try {
        while (next++ < rows) {
          await client.query('BEGIN');
          await client.query(
            `INSERT INTO ${table} (id, customer_id, status, items, currency, accepted_at) VALUES ($1, $2, 'PENDING', $3, 'EUR', now())`,
            [randomUUID(), randomUUID(), items],
          );
          await client.query('COMMIT');
        }
      } finally {
        client.release();
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const seconds = (performance.now() - started) / 1000;
    return { rows, concurrency, seconds, perSecond: rows / seconds };
  } finally {
    await db.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    await db.end();
  }
}

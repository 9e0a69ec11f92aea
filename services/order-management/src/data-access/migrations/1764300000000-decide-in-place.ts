import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every order is written twice, PENDING then decided. With status in an index, and pages packed
 * full, each decision was a new row version plus three index entries. Without the status index
 * and with room left in each page, the decision is a heap-only update. A list filtered by status
 * walks the customer's orders newest first instead (a customer has few orders).
 */
export class DecideInPlace1764300000000 implements MigrationInterface {
  name = 'DecideInPlace1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS orders_customer_status_idx`);
    await q.query(`ALTER TABLE orders SET (fillfactor = 60)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders RESET (fillfactor)`);
    await q.query(`CREATE INDEX orders_customer_status_idx ON orders (customer_id, status, id DESC)`);
  }
}

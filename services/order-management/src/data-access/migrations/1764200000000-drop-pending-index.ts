import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Nothing reads PENDING orders by age, and the index cost a write per order twice (insert, decide). */
export class DropPendingIndex1764200000000 implements MigrationInterface {
  name = 'DropPendingIndex1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS orders_pending_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX orders_pending_idx ON orders (accepted_at) WHERE status = 'PENDING'`);
  }
}

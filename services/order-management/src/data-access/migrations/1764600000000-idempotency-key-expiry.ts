import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Idempotency-Keys expire: the sweep finds the oldest by this index instead of scanning the table. */
export class IdempotencyKeyExpiry1764600000000 implements MigrationInterface {
  name = 'IdempotencyKeyExpiry1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX idempotency_keys_created_idx`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The relay claims rows for a while, commits, publishes and only then deletes them, so no
 * transaction waits for the broker. A claim that runs out (its relay died or stalled) makes the
 * rows available again.
 */
export class OutboxClaims1764400000000 implements MigrationInterface {
  name = 'OutboxClaims1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox ADD COLUMN claimed_until timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox DROP COLUMN claimed_until`);
  }
}

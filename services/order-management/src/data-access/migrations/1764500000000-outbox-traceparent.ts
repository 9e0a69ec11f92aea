import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The W3C traceparent of the work that wrote the row: the relayed event continues that trace. */
export class OutboxTraceparent1764500000000 implements MigrationInterface {
  name = 'OutboxTraceparent1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox ADD COLUMN traceparent text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox DROP COLUMN traceparent`);
  }
}

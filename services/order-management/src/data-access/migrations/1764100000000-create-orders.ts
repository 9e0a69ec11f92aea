import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per order with its lines as jsonb: an order is written and read whole, and a row per
 * line would double the inserts on the hot path. Order ids are UUIDv7 (time-ordered), so
 * (customer_id, id DESC) serves "newest first" keyset pagination without OFFSET.
 */
export class CreateOrders1764100000000 implements MigrationInterface {
  name = 'CreateOrders1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE orders (
        id uuid PRIMARY KEY,
        customer_id uuid NOT NULL,
        status text NOT NULL CHECK (status IN ('PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLED')),
        items jsonb NOT NULL,
        total bigint,
        currency text NOT NULL,
        customer_name text,
        customer_email text,
        shipping_address jsonb,
        rejection jsonb,
        accepted_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX orders_customer_idx ON orders (customer_id, id DESC)`);
    await q.query(`CREATE INDEX orders_customer_status_idx ON orders (customer_id, status, id DESC)`);
    await q.query(`CREATE INDEX orders_pending_idx ON orders (accepted_at) WHERE status = 'PENDING'`);
    await q.query(`
      CREATE TABLE idempotency_keys (
        customer_id uuid NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        order_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (customer_id, key)
      )`);
    await q.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        message_id uuid NOT NULL,
        routing_key text NOT NULL,
        type text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE outbox`);
    await q.query(`DROP TABLE idempotency_keys`);
    await q.query(`DROP TABLE orders`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * reserved always equals the sum of RESERVED reservation lines; available = on_hand - reserved.
 * A reservation row per order makes reserve and release idempotent: its status is the answer.
 */
export class CreateInventory1764100000000 implements MigrationInterface {
  name = 'CreateInventory1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE products (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        price bigint NOT NULL CHECK (price >= 0),
        on_hand integer NOT NULL CHECK (on_hand >= 0),
        reserved integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT products_reserved_within_on_hand CHECK (reserved <= on_hand)
      )`);
    await q.query(`
      CREATE TABLE reservations (
        order_id uuid PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('PENDING', 'RESERVED', 'REJECTED', 'RELEASED')),
        rejection jsonb,
        currency text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE reservation_lines (
        order_id uuid NOT NULL REFERENCES reservations (order_id),
        product_id uuid NOT NULL REFERENCES products (id),
        quantity integer NOT NULL CHECK (quantity > 0),
        unit_price bigint NOT NULL,
        PRIMARY KEY (order_id, product_id)
      )`);
    await q.query(`CREATE INDEX reservation_lines_product_idx ON reservation_lines (product_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reservation_lines`);
    await q.query(`DROP TABLE reservations`);
    await q.query(`DROP TABLE products`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reservation lines are the hottest insert (about three per order), and their constraints cost
 * more than the insert: each line's foreign keys looked up and share-locked its reservation row
 * and its product row (already locked for update by the same transaction), tripling the
 * statement's time. The invariants hold by construction instead: lines are inserted in the same
 * statement as their reservation row, only for product rows the transaction holds locked, and
 * neither reservations nor products are ever deleted. No query looks lines up by product
 * (release goes by order id), so that index only cost writes.
 */
export class LeanReservationLines1764300000000 implements MigrationInterface {
  name = 'LeanReservationLines1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE reservation_lines DROP CONSTRAINT IF EXISTS reservation_lines_order_id_fkey`);
    await q.query(`ALTER TABLE reservation_lines DROP CONSTRAINT IF EXISTS reservation_lines_product_id_fkey`);
    await q.query(`DROP INDEX IF EXISTS reservation_lines_product_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX reservation_lines_product_idx ON reservation_lines (product_id)`);
    await q.query(`ALTER TABLE reservation_lines ADD CONSTRAINT reservation_lines_product_id_fkey FOREIGN KEY (product_id) REFERENCES products (id)`);
    await q.query(`ALTER TABLE reservation_lines ADD CONSTRAINT reservation_lines_order_id_fkey FOREIGN KEY (order_id) REFERENCES reservations (order_id)`);
  }
}

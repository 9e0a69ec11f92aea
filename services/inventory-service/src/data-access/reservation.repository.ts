import type { PricedLine, Rejection, ReservationResult } from '@shop/contracts';
import type { ReservationRepository } from '../domain/reservation';

interface AnswerRow {
  order_id: string;
  status: 'PENDING' | 'RESERVED' | 'REJECTED' | 'RELEASED';
  rejection: Rejection | null;
  currency: string | null;
  lines: Array<{ productId: string; quantity: number; unitPrice: string }> | null;
}

const toResult = (row: AnswerRow): ReservationResult | undefined => {
  switch (row.status) {
    case 'RESERVED': {
      const lines: PricedLine[] = (row.lines ?? []).map((l) => ({ ...l, unitPrice: Number(l.unitPrice) }));
      return { orderId: row.order_id, status: 'RESERVED', lines, currency: row.currency ?? '' };
    }
    case 'REJECTED':
      return { orderId: row.order_id, status: 'REJECTED', rejection: row.rejection! };
    case 'RELEASED':
      return { orderId: row.order_id, status: 'RELEASED' };
    default:
      return undefined;
  }
};

export function createReservationRepository(): ReservationRepository {
  return {
    async markNeverReserved(tx, orderIds) {
      await tx.query(
        `INSERT INTO reservations (order_id, status) SELECT unnest($1::uuid[]), 'RELEASED' ON CONFLICT (order_id) DO NOTHING`,
        [orderIds],
      );
    },

    async answers(tx, orderIds) {
      if (orderIds.length === 0) return [];
      const rows: AnswerRow[] = await tx.query(
        `SELECT r.order_id, r.status, r.rejection, r.currency,
                (SELECT json_agg(json_build_object('productId', l.product_id, 'quantity', l.quantity, 'unitPrice', l.unit_price::text)
                        ORDER BY l.product_id)
                   FROM reservation_lines l WHERE l.order_id = r.order_id) AS lines
         FROM reservations r WHERE r.order_id = ANY($1::uuid[])`,
        [orderIds],
      );
      return rows.map(toResult).filter((r): r is ReservationResult => r !== undefined);
    },

    async record(tx, results) {
      if (results.length === 0) return new Set();
      const input = JSON.stringify(
        results.map((r) =>
          r.status === 'RESERVED'
            ? { order_id: r.orderId, status: r.status, currency: r.currency, lines: r.lines }
            : { order_id: r.orderId, status: r.status, rejection: r.status === 'REJECTED' ? r.rejection : null },
        ),
      );
      // Lines go in with their reservation, in one statement; an order whose row exists already
      // (a concurrent request stored it) gets neither. A row left PENDING holds nothing and has no
      // answer, so this decision replaces it rather than leaving the order without one.
      const rows: Array<{ order_id: string }> = await tx.query(
        `WITH input AS (
           SELECT * FROM jsonb_to_recordset($1::jsonb) AS d(order_id uuid, status text, rejection jsonb, currency text, lines jsonb)
         ), stored AS (
           INSERT INTO reservations (order_id, status, rejection, currency)
           SELECT order_id, status, rejection, currency FROM input
           ON CONFLICT (order_id) DO UPDATE SET status = EXCLUDED.status, rejection = EXCLUDED.rejection, currency = EXCLUDED.currency, updated_at = now()
             WHERE reservations.status = 'PENDING'
           RETURNING order_id
         ), lines AS (
           INSERT INTO reservation_lines (order_id, product_id, quantity, unit_price)
           SELECT i.order_id, l."productId", l.quantity, l."unitPrice"
           FROM input i JOIN stored USING (order_id)
             CROSS JOIN jsonb_to_recordset(i.lines) AS l("productId" uuid, quantity int, "unitPrice" bigint)
           WHERE i.lines IS NOT NULL
         )
         SELECT order_id FROM stored`,
        [input],
      );
      return new Set(rows.map((r) => r.order_id));
    },

    async lockHeld(tx, orderIds) {
      const rows: Array<{ order_id: string }> = await tx.query(
        `SELECT order_id FROM reservations WHERE order_id = ANY($1::uuid[]) AND status = 'RESERVED' ORDER BY order_id FOR UPDATE`,
        [orderIds],
      );
      const held = rows.map((r) => r.order_id);
      const sums: Array<{ product_id: string; quantity: string }> = held.length
        ? await tx.query(
            `SELECT product_id, sum(quantity) AS quantity FROM reservation_lines WHERE order_id = ANY($1::uuid[]) GROUP BY product_id`,
            [held],
          )
        : [];
      return { orderIds: held, quantities: new Map(sums.map((s) => [s.product_id, Number(s.quantity)])) };
    },

    async markReleased(tx, orderIds) {
      if (orderIds.length === 0) return;
      await tx.query(`UPDATE reservations SET status = 'RELEASED', updated_at = now() WHERE order_id = ANY($1::uuid[])`, [orderIds]);
    },
  };
}

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
    async claim(tx, orderIds, status) {
      const rows: Array<{ order_id: string }> = await tx.query(
        `INSERT INTO reservations (order_id, status) SELECT unnest($1::uuid[]), $2
         ON CONFLICT (order_id) DO NOTHING RETURNING order_id`,
        [orderIds, status],
      );
      return new Set(rows.map((r) => r.order_id));
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
      if (results.length === 0) return;
      await tx.query(
        `UPDATE reservations r SET status = d.status, rejection = d.rejection, currency = d.currency, updated_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS d(order_id uuid, status text, rejection jsonb, currency text)
         WHERE r.order_id = d.order_id`,
        [
          JSON.stringify(
            results.map((r) => ({
              order_id: r.orderId,
              status: r.status,
              rejection: r.status === 'REJECTED' ? r.rejection : null,
              currency: r.status === 'RESERVED' ? r.currency : null,
            })),
          ),
        ],
      );
      const lines = results.flatMap((r) => (r.status === 'RESERVED' ? r.lines.map((l) => ({ orderId: r.orderId, ...l })) : []));
      if (lines.length === 0) return;
      await tx.query(
        `INSERT INTO reservation_lines (order_id, product_id, quantity, unit_price)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::bigint[])`,
        [lines.map((l) => l.orderId), lines.map((l) => l.productId), lines.map((l) => l.quantity), lines.map((l) => l.unitPrice)],
      );
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

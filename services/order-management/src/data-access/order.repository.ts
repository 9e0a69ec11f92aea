import type { Decision, OrderRepository } from '../domain/order';
import { orderColumns, toOrder, type OrderRow } from './order.row';

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

export function createOrderRepository(): OrderRepository {
  return {
    async recordPending(tx, orders, currency) {
      const ids = orders.map((o) => o.orderId);
      await tx.query(
        `INSERT INTO orders (id, customer_id, status, items, currency, shipping_address, accepted_at)
         SELECT d.id, d.customer_id, 'PENDING', d.items, $6, d.address, d.accepted_at
         FROM unnest($1::uuid[], $2::uuid[], $3::jsonb[], $4::jsonb[], $5::timestamptz[]) AS d(id, customer_id, items, address, accepted_at)
         ON CONFLICT (id) DO NOTHING`,
        [ids, orders.map((o) => o.customerId), orders.map((o) => json(o.items)), orders.map((o) => json(o.shippingAddress)), orders.map((o) => o.acceptedAt), currency],
      );
      const rows: Array<Pick<OrderRow, 'id' | 'customer_id' | 'status' | 'items' | 'shipping_address' | 'accepted_at'>> = await tx.query(
        `SELECT id, customer_id, status, items, shipping_address, accepted_at FROM orders WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      return rows.map((r) => ({
        orderId: r.id,
        customerId: r.customer_id,
        status: r.status,
        items: r.items.map(({ productId, quantity }) => ({ productId, quantity })),
        shippingAddress: r.shipping_address,
        acceptedAt: r.accepted_at.toISOString(),
      }));
    },

    async decide(tx, decisions: Decision[]) {
      if (decisions.length === 0) return [];
      const confirmed = (d: Decision) => (d.status === 'CONFIRMED' ? d : undefined);
      const [rows]: [OrderRow[]] = await tx.query(
        `UPDATE orders o SET status = d.status, items = COALESCE(d.items, o.items), total = d.total,
           currency = COALESCE(d.currency, o.currency), customer_name = d.name, customer_email = d.email,
           shipping_address = COALESCE(d.address, o.shipping_address), rejection = d.rejection, updated_at = now()
         FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::jsonb[], $9::jsonb[])
           AS d(id, status, items, total, currency, name, email, address, rejection)
         WHERE o.id = d.id AND o.status = 'PENDING'
         RETURNING ${orderColumns('o')}`,
        [
          decisions.map((d) => d.orderId),
          decisions.map((d) => d.status),
          decisions.map((d) => json(confirmed(d)?.items)),
          decisions.map((d) => confirmed(d)?.total ?? null),
          decisions.map((d) => confirmed(d)?.currency ?? null),
          decisions.map((d) => d.customerName),
          decisions.map((d) => d.customerEmail),
          decisions.map((d) => json(confirmed(d)?.shippingAddress)),
          decisions.map((d) => (d.status === 'REJECTED' ? json(d.rejection) : null)),
        ],
      );
      return rows.map(toOrder);
    },

    async find(tx, orderId, forUpdate = false) {
      const rows: OrderRow[] = await tx.query(`SELECT ${orderColumns()} FROM orders WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [orderId]);
      return rows[0] && toOrder(rows[0]);
    },

    async listForCustomer(tx, { customerId, status, limit, beforeId }) {
      const rows: OrderRow[] = await tx.query(
        `SELECT ${orderColumns()} FROM orders
         WHERE customer_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::uuid IS NULL OR id < $3)
         ORDER BY id DESC LIMIT $4`,
        [customerId, status ?? null, beforeId ?? null, limit],
      );
      return rows.map(toOrder);
    },

    async setStatus(tx, orderId, status) {
      const [rows]: [OrderRow[]] = await tx.query(
        `UPDATE orders SET status = $2, updated_at = now() WHERE id = $1 RETURNING ${orderColumns()}`,
        [orderId, status],
      );
      return toOrder(rows[0]);
    },

    async claimIdempotencyKey(tx, { customerId, key, requestHash, orderId }) {
      const rows: Array<{ order_id: string; request_hash: string }> = await tx.query(
        `WITH claimed AS (
           INSERT INTO idempotency_keys (customer_id, key, request_hash, order_id) VALUES ($1, $2, $3, $4)
           ON CONFLICT (customer_id, key) DO NOTHING RETURNING order_id, request_hash)
         SELECT order_id, request_hash FROM claimed
         UNION ALL
         SELECT order_id, request_hash FROM idempotency_keys WHERE customer_id = $1 AND key = $2
         LIMIT 1`,
        [customerId, key, requestHash, orderId],
      );
      // A concurrent claim that committed while we waited on its key is not in this statement's
      // snapshot; a fresh statement sees it.
      const row =
        rows[0] ??
        (await tx.query(`SELECT order_id, request_hash FROM idempotency_keys WHERE customer_id = $1 AND key = $2`, [customerId, key]))[0];
      return { orderId: row.order_id, requestHash: row.request_hash };
    },
  };
}


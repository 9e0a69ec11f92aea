import type { Decision, OrderRepository } from '../domain/order';
import { orderColumns, toOrder, type OrderRow } from './order.row';

export function createOrderRepository(): OrderRepository {
  return {
    async recordPending(tx, orders, currency) {
      // One jsonb parameter for the whole batch: pg escapes parallel jsonb[] arrays element by element.
      const input = JSON.stringify(
        orders.map((o) => ({ id: o.orderId, customer_id: o.customerId, items: o.items, shipping_address: o.shippingAddress, accepted_at: o.acceptedAt })),
      );
      const inserted: Array<{ id: string }> = await tx.query(
        `INSERT INTO orders (id, customer_id, status, items, currency, shipping_address, accepted_at)
         SELECT id, customer_id, 'PENDING', items, $2, shipping_address, accepted_at
         FROM jsonb_to_recordset($1::jsonb) AS d(id uuid, customer_id uuid, items jsonb, shipping_address jsonb, accepted_at timestamptz)
         ON CONFLICT (id) DO NOTHING
         RETURNING id`,
        [input, currency],
      );
      const pending = new Set(inserted.map((r) => r.id));
      if (pending.size === orders.length) return pending;
      // Known ids (a redelivery): a fresh statement sees the rows, also those a concurrent
      // transaction committed while this insert waited on them.
      const known = orders.map((o) => o.orderId).filter((id) => !pending.has(id));
      const stillPending: Array<{ id: string }> = await tx.query(`SELECT id FROM orders WHERE id = ANY($1::uuid[]) AND status = 'PENDING'`, [known]);
      for (const r of stillPending) pending.add(r.id);
      // An order its owner cancelled before it was recorded stays CANCELLED; it gains its items.
      await tx.query(
        `UPDATE orders o SET items = d.items, shipping_address = d.shipping_address
         FROM jsonb_to_recordset($1::jsonb) AS d(id uuid, items jsonb, shipping_address jsonb)
         WHERE o.id = d.id AND o.status = 'CANCELLED' AND o.items = '[]'::jsonb`,
        [JSON.stringify(orders.filter((o) => !pending.has(o.orderId)).map((o) => ({ id: o.orderId, items: o.items, shipping_address: o.shippingAddress })))],
      );
      return pending;
    },

    async decide(tx, decisions: Decision[]) {
      if (decisions.length === 0) return new Map();
      const input = JSON.stringify(
        decisions.map((d) =>
          d.status === 'CONFIRMED'
            ? { id: d.orderId, status: d.status, items: d.items, total: d.total, currency: d.currency, name: d.customerName, email: d.customerEmail, address: d.shippingAddress }
            : { id: d.orderId, status: d.status, name: d.customerName, email: d.customerEmail, rejection: d.rejection },
        ),
      );
      const [rows]: [Array<{ id: string; updated_at: Date }>] = await tx.query(
        `UPDATE orders o SET status = d.status, items = COALESCE(d.items, o.items), total = d.total,
           currency = COALESCE(d.currency, o.currency), customer_name = d.name, customer_email = d.email,
           shipping_address = COALESCE(d.address, o.shipping_address), rejection = d.rejection, updated_at = now()
         FROM jsonb_to_recordset($1::jsonb)
           AS d(id uuid, status text, items jsonb, total bigint, currency text, name text, email text, address jsonb, rejection jsonb)
         WHERE o.id = d.id AND o.status = 'PENDING'
         RETURNING o.id, o.updated_at`,
        [input],
      );
      return new Map(rows.map((r) => [r.id, r.updated_at.toISOString()]));
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

    async insertCancelled(tx, { orderId, customerId, acceptedAt }, currency) {
      const rows: OrderRow[] = await tx.query(
        `INSERT INTO orders (id, customer_id, status, items, currency, accepted_at) VALUES ($1, $2, 'CANCELLED', '[]', $3, $4)
         ON CONFLICT (id) DO NOTHING RETURNING ${orderColumns()}`,
        [orderId, customerId, currency, acceptedAt],
      );
      return rows[0] && toOrder(rows[0]);
    },

    async claimIdempotencyKey(tx, { customerId, key, requestHash, orderId }, retentionS) {
      // An expired key that the sweep has not deleted yet is taken over as if it were gone.
      const rows: Array<{ order_id: string; request_hash: string }> = await tx.query(
        `WITH claimed AS (
           INSERT INTO idempotency_keys (customer_id, key, request_hash, order_id) VALUES ($1, $2, $3, $4)
           ON CONFLICT (customer_id, key) DO UPDATE
             SET request_hash = EXCLUDED.request_hash, order_id = EXCLUDED.order_id, created_at = now()
             WHERE idempotency_keys.created_at < now() - make_interval(secs => $5)
           RETURNING order_id, request_hash)
         SELECT order_id, request_hash FROM claimed
         UNION ALL
         SELECT order_id, request_hash FROM idempotency_keys WHERE customer_id = $1 AND key = $2
         LIMIT 1`,
        [customerId, key, requestHash, orderId, retentionS],
      );
      // A concurrent claim that committed while we waited on its key is not in this statement's
      // snapshot; a fresh statement sees it.
      const row =
        rows[0] ??
        (await tx.query(`SELECT order_id, request_hash FROM idempotency_keys WHERE customer_id = $1 AND key = $2`, [customerId, key]))[0];
      return { orderId: row.order_id, requestHash: row.request_hash };
    },

    async deleteExpiredIdempotencyKeys(tx, retentionS, limit) {
      const [, count]: [unknown, number] = await tx.query(
        `DELETE FROM idempotency_keys WHERE (customer_id, key) IN (
           SELECT customer_id, key FROM idempotency_keys
           WHERE created_at < now() - make_interval(secs => $1)
           LIMIT $2 FOR UPDATE SKIP LOCKED)`,
        [retentionS, limit],
      );
      return count;
    },
  };
}


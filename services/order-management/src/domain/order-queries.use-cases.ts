import type { Caller, OrderStatus, Page } from '@shop/contracts';
import type { Tx } from '@shop/platform';
import { canSee } from './cancel-order.use-case';
import type { Order, OrderRepository } from './order';
import { invalidCursor, orderNotFound } from './order.errors';

const encodeCursor = (orderId: string) => Buffer.from(orderId).toString('base64url');
const decodeCursor = (cursor: string) => {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) throw invalidCursor();
  return id;
};

export function createOrderQueries({ db, orders }: { db: Tx; orders: OrderRepository }) {
  return {
    /** Another customer's order answers exactly like a missing one. */
    get: async ({ orderId, caller }: { orderId: string; caller: Caller }): Promise<Order> => {
      const order = await orders.find(db, orderId);
      if (!order || !canSee(caller, order)) throw orderNotFound();
      return order;
    },

    list: async (q: { caller: Caller; status?: OrderStatus; limit: number; cursor?: string }): Promise<Page<Order>> => {
      const beforeId = q.cursor ? decodeCursor(q.cursor) : undefined;
      const rows = await orders.listForCustomer(db, { customerId: q.caller.customerId, status: q.status, limit: q.limit + 1, beforeId });
      const items = rows.slice(0, q.limit);
      return { items, nextCursor: rows.length > q.limit ? encodeCursor(items[items.length - 1].orderId) : null };
    },

    claimIdempotencyKey: (claim: { customerId: string; key: string; requestHash: string; orderId: string }) =>
      orders.claimIdempotencyKey(db, claim),
  };
}

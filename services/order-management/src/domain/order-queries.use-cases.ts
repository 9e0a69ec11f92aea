import type { Caller, OrderStatus, Page } from '@shop/contracts';
import { keyset, type Tx } from '@shop/platform';
import { canSee, type Order, type OrderRepository } from './order';
import { orderNotFound } from './order.errors';

export function createOrderQueries({ db, orders }: { db: Tx; orders: OrderRepository }) {
  return {
    /** Another customer's order answers exactly like a missing one. */
    get: async ({ orderId, caller }: { orderId: string; caller: Caller }): Promise<Order> => {
      const order = await orders.find(db, orderId);
      if (!order || !canSee(caller, order)) throw orderNotFound();
      return order;
    },

    list: async (q: { caller: Caller; status?: OrderStatus; limit: number; cursor?: string }): Promise<Page<Order>> => {
      const beforeId = keyset.decode(q.cursor);
      const rows = await orders.listForCustomer(db, { customerId: q.caller.customerId, status: q.status, limit: q.limit + 1, beforeId });
      return keyset.page(rows, q.limit, (order) => order.orderId);
    },
  };
}

import type { Caller, OrderStatus } from '@shop/contracts';
import type { OrderService } from './upstream';

/** Reads and cancels are scoped by the caller; order-management answers 404 for other customers' orders. */
export function createOrderUseCases({ orders }: { orders: OrderService }) {
  return {
    get: (caller: Caller, orderId: string) => orders.get({ orderId, caller }),
    list: (caller: Caller, query: { status?: OrderStatus; limit: number; cursor?: string }) => orders.list({ caller, ...query }),
    cancel: (caller: Caller, orderId: string) => orders.cancel({ orderId, caller }),
  };
}

export type OrderUseCases = ReturnType<typeof createOrderUseCases>;

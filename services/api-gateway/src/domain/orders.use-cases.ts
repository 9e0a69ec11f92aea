import type { Caller, OrderStatus, OrderView } from '@shop/contracts';
import type { OrderIds } from './order-ids';
import type { OrderService, TraceContext } from './upstream';

/**
 * How long after its 202 an order the owner asks for may still be on its way to order-management
 * (a backlog, a broker outage): within it, an id minted for the caller that order-management does
 * not know yet is PENDING, not "not found".
 */
export const inFlightWindowMs = 24 * 3600 * 1000;

interface Deps {
  orders: OrderService;
  orderIds: OrderIds;
  clock: { now(): Date };
}

const notFound = (err: unknown) => (err as { status?: number })?.status === 404;

/**
 * Reads and cancels are scoped by the caller; order-management answers 404 for other customers'
 * orders. The Location of a 202 is a status monitor from the first moment: an order accepted for
 * the caller but not recorded yet reads as PENDING, and a cancel of it is recorded ahead of it.
 */
export function createOrderUseCases({ orders, orderIds, clock }: Deps) {
  const acceptedFor = (caller: Caller, orderId: string): boolean => {
    const age = clock.now().getTime() - orderIds.mintedAt(orderId);
    return age > -60_000 && age < inFlightWindowMs && orderIds.mintedFor(orderId, caller.customerId);
  };

  const inFlight = (caller: Caller, orderId: string): OrderView => {
    const acceptedAt = new Date(orderIds.mintedAt(orderId)).toISOString();
    return {
      orderId,
      customerId: caller.customerId,
      status: 'PENDING',
      items: [],
      total: null,
      currency: '',
      customerName: null,
      customerEmail: null,
      shippingAddress: null,
      acceptedAt,
      createdAt: acceptedAt,
      updatedAt: acceptedAt,
    };
  };

  return {
    get: async (caller: Caller, orderId: string): Promise<OrderView> => {
      try {
        return await orders.get({ orderId, caller });
      } catch (err) {
        if (notFound(err) && acceptedFor(caller, orderId)) return inFlight(caller, orderId);
        throw err;
      }
    },
    list: (caller: Caller, query: { status?: OrderStatus; limit: number; cursor?: string }) => orders.list({ caller, ...query }),
    /** trace: the request's, for the second call (past an await, the gateway's context is gone). */
    cancel: async (caller: Caller, orderId: string, trace?: TraceContext): Promise<OrderView> => {
      try {
        return await orders.cancel({ orderId, caller });
      } catch (err) {
        if (!notFound(err) || !acceptedFor(caller, orderId)) throw err;
        return orders.cancelUnrecorded({ orderId, customerId: caller.customerId, acceptedAt: new Date(orderIds.mintedAt(orderId)).toISOString() }, trace);
      }
    },
  };
}

export type OrderUseCases = ReturnType<typeof createOrderUseCases>;

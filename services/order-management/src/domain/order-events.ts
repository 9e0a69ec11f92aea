import { messageTypes, newId, routingKeys, type OrderEvent } from '@shop/contracts';
import type { DecidedOrder, OrderEventRecord } from './order';

const routes = {
  CONFIRMED: { routingKey: routingKeys.orderConfirmed, type: messageTypes.orderConfirmed },
  REJECTED: { routingKey: routingKeys.orderRejected, type: messageTypes.orderRejected },
  CANCELLED: { routingKey: routingKeys.orderCancelled, type: messageTypes.orderCancelled },
} as const;

/** The event for an order that reached CONFIRMED, REJECTED or CANCELLED, stored in the outbox. */
export function orderEvent(order: DecidedOrder): OrderEventRecord {
  if (order.status === 'PENDING') throw new Error('a pending order has no event');
  const payload: OrderEvent = {
    orderId: order.orderId,
    customerId: order.customerId,
    status: order.status,
    total: order.total ?? 0,
    currency: order.currency,
    items: order.items.map(({ productId, quantity }) => ({ productId, quantity })),
    ...(order.rejectionReason ? { rejectionReason: order.rejectionReason } : {}),
    occurredAt: order.updatedAt,
  };
  return { messageId: newId(), ...routes[order.status], payload };
}

import type { CustomerView, Rejection, ReservationResult } from '@shop/contracts';
import type { DecidedOrder, Decision, PendingOrder } from './order';

/** The customer check comes first: a refused customer never holds stock. */
export function customerRejection(customer: CustomerView | undefined): Rejection | undefined {
  if (!customer) return { code: 'CUSTOMER_NOT_FOUND', message: 'The customer does not exist' };
  if (customer.status !== 'ACTIVE') return { code: 'CUSTOMER_INACTIVE', message: 'The customer account is not active' };
  return undefined;
}

/** What a client reads when its order's own data failed where no other order's did. */
export const invalidOrder: Rejection = { code: 'INVALID_ORDER', message: 'The order could not be stored or priced as submitted' };

/**
 * Turns inventory's answer into the order's outcome. Prices come from inventory, never from the
 * request. RELEASED means the order's stock was given back before it was decided: either it was
 * cancelled meanwhile (then it is no longer PENDING and the decision changes nothing), or it was
 * being rejected as invalid when the process stopped, and this finishes that rejection.
 */
export function decideOrder(order: PendingOrder, customer: CustomerView, reservation: ReservationResult): Decision {
  const who = { customerName: customer.name, customerEmail: customer.email };
  switch (reservation.status) {
    case 'RESERVED':
      return {
        orderId: order.orderId,
        status: 'CONFIRMED',
        items: reservation.lines,
        total: reservation.lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0),
        currency: reservation.currency,
        shippingAddress: order.shippingAddress ?? customer.shippingAddress,
        ...who,
      };
    case 'REJECTED':
      return { orderId: order.orderId, status: 'REJECTED', rejection: reservation.rejection, ...who };
    case 'RELEASED':
      return { orderId: order.orderId, status: 'REJECTED', rejection: invalidOrder, ...who };
  }
}

/**
 * The order as the decision stored it, built from what the batch already holds instead of read
 * back: `currency` is the one it was recorded with, kept by a rejection.
 */
export function decidedOrder(order: PendingOrder, decision: Decision, updatedAt: string, currency: string): DecidedOrder {
  const common = { orderId: order.orderId, customerId: order.customerId, acceptedAt: order.acceptedAt, updatedAt };
  if (decision.status === 'CONFIRMED') {
    return { ...common, status: 'CONFIRMED', items: decision.items, total: decision.total, currency: decision.currency };
  }
  const items = order.items.map(({ productId, quantity }) => ({ productId, quantity, unitPrice: null }));
  return { ...common, status: 'REJECTED', items, total: null, currency, rejectionReason: decision.rejection };
}

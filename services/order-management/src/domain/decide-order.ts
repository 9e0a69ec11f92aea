import type { CustomerView, Rejection, ReservationResult } from '@shop/contracts';
import type { DecidedOrder, Decision, PendingOrder } from './order';

/** The customer check comes first: a refused customer never holds stock. */
export function customerRejection(customer: CustomerView | undefined): Rejection | undefined {
  if (!customer) return { code: 'CUSTOMER_NOT_FOUND', message: 'The customer does not exist' };
  if (customer.status !== 'ACTIVE') return { code: 'CUSTOMER_INACTIVE', message: 'The customer account is not active' };
  return undefined;
}

/**
 * Turns inventory's answer into the order's outcome. Prices come from inventory, never from the
 * request. RELEASED means the order was cancelled while we asked: there is nothing to decide.
 */
export function decideOrder(order: PendingOrder, customer: CustomerView, reservation: ReservationResult): Decision | undefined {
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
      return undefined;
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

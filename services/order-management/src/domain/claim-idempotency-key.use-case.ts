import type { Tx } from '@shop/platform';
import type { OrderRepository } from './order';

export interface IdempotencyClaim {
  customerId: string;
  key: string;
  requestHash: string;
  orderId: string;
}

/**
 * Claims an Idempotency-Key for an order id: the first claim of a customer's key wins and every
 * later one gets the winner's order id and request hash back, so retries through any gateway
 * process converge on one order. A single atomic write, so no transaction around it.
 */
export function createClaimIdempotencyKey({ db, orders }: { db: Tx; orders: OrderRepository }) {
  return (claim: IdempotencyClaim): Promise<{ orderId: string; requestHash: string }> => orders.claimIdempotencyKey(db, claim);
}

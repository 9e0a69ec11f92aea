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
 * process converge on one order. A single atomic write, so no transaction around it. A key is
 * kept `retentionS`; a retry after that is a new request and places a new order.
 */
export function createClaimIdempotencyKey({ db, orders, retentionS }: { db: Tx; orders: OrderRepository; retentionS: number }) {
  return (claim: IdempotencyClaim): Promise<{ orderId: string; requestHash: string }> => orders.claimIdempotencyKey(db, claim, retentionS);
}

/**
 * Deletes expired keys in batches of `batchSize`, each its own short statement (SKIP LOCKED), so
 * order writes and claims never wait behind the sweep. Returns how many it deleted.
 */
export function createExpireIdempotencyKeys({ db, orders, retentionS, batchSize = 1000 }: { db: Tx; orders: OrderRepository; retentionS: number; batchSize?: number }) {
  return async (): Promise<number> => {
    let total = 0;
    for (;;) {
      const deleted = await orders.deleteExpiredIdempotencyKeys(db, retentionS, batchSize);
      total += deleted;
      if (deleted < batchSize) return total;
    }
  };
}

import type { ReservationResult } from '@shop/contracts';
import type { Transactional } from '@shop/platform';
import { allocate, type ReservationRequest } from './allocate';
import type { ProductRepository } from './product';
import type { ReservationRepository } from './reservation';

interface Deps {
  transaction: Transactional;
  products: ProductRepository;
  reservations: ReservationRepository;
  currency: string;
}

/**
 * Reserves a whole batch in one transaction. Orders seen before get their recorded answer, so a
 * redelivered or repeated request never reserves twice; new ones are decided against stock rows
 * locked in id order.
 */
export function createReserveStock({ transaction, products, reservations, currency }: Deps) {
  return ({ orders }: { orders: ReservationRequest[] }) =>
    transaction(async (tx) => {
      const fresh = await reservations.claim(tx, orders.map((o) => o.orderId), 'PENDING');
      const known = await reservations.answers(tx, orders.filter((o) => !fresh.has(o.orderId)).map((o) => o.orderId));
      const requests = orders.filter((o) => fresh.has(o.orderId));
      const productIds = [...new Set(requests.flatMap((o) => o.items.map((l) => l.productId)))];
      const stock = await products.lockStock(tx, productIds);
      const { results, reservedByProduct } = allocate(requests, stock, currency);
      await reservations.record(tx, results);
      await products.addReserved(tx, reservedByProduct);

      const byId = new Map<string, ReservationResult>([...known, ...results].map((r) => [r.orderId, r]));
      return { results: orders.map((o) => byId.get(o.orderId)!) };
    });
}

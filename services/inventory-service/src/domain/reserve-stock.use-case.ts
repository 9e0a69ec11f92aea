import type { ReservationResult } from '@shop/contracts';
import type { Transactional } from '@shop/platform';
import { allocate, heldByProduct, type ReservationRequest } from './allocate';
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
 * locked in id order and stored in their final state. An order a concurrent request stored
 * meanwhile (its insert conflicts) takes that request's answer and holds nothing here.
 */
export function createReserveStock({ transaction, products, reservations, currency }: Deps) {
  return ({ orders }: { orders: ReservationRequest[] }) =>
    transaction(async (tx) => {
      const known = await reservations.answers(tx, orders.map((o) => o.orderId));
      const seen = new Set(known.map((r) => r.orderId));
      const requests = orders.filter((o) => !seen.has(o.orderId));
      const productIds = [...new Set(requests.flatMap((o) => o.items.map((l) => l.productId)))];
      const stock = await products.lockStock(tx, productIds);
      const results = allocate(requests, stock, currency);
      const stored = await reservations.record(tx, results);
      const kept = results.filter((r) => stored.has(r.orderId));
      await products.addReserved(tx, heldByProduct(kept));
      const raced = results.filter((r) => !stored.has(r.orderId)).map((r) => r.orderId);
      const late = raced.length > 0 ? await reservations.answers(tx, raced) : [];

      const byId = new Map<string, ReservationResult>([...known, ...kept, ...late].map((r) => [r.orderId, r]));
      return { results: orders.map((o) => byId.get(o.orderId)!) };
    });
}

import type { Transactional } from '@shop/platform';
import type { ProductRepository } from './product';
import type { ReservationRepository } from './reservation';

interface Deps {
  transaction: Transactional;
  products: ProductRepository;
  reservations: ReservationRepository;
}

/**
 * Gives back what orders hold. An order never reserved gets a RELEASED marker, so a reserve that
 * arrives after the cancellation (a late or redelivered request) finds it and holds nothing.
 */
export function createReleaseStock({ transaction, products, reservations }: Deps) {
  return ({ orderIds }: { orderIds: string[] }) =>
    transaction(async (tx) => {
      const ids = [...new Set(orderIds)];
      await reservations.markNeverReserved(tx, ids);
      const held = await reservations.lockHeld(tx, ids);
      // Lock stock rows in id order before changing them, like reserve does.
      await products.lockStock(tx, [...held.quantities.keys()]);
      await products.addReserved(tx, new Map([...held.quantities].map(([id, q]) => [id, -q])));
      await reservations.markReleased(tx, held.orderIds);
      return { released: held.orderIds };
    });
}

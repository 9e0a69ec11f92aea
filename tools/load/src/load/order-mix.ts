import { demoProductCount, demoProductId } from '@shop/demo-data';

export interface OrderBody {
  items: Array<{ productId: string; quantity: number }>;
}

export interface OrderMixOptions {
  /** Share of orders (0..1) that include one sold-out product and so end REJECTED OUT_OF_STOCK. */
  outOfStockShare: number;
  maxLines?: number;
  maxQuantity?: number;
  random?: () => number;
}

// The seed sells out every 100th demo product: those make the out-of-stock share deterministic
// instead of depending on which products the random lines happen to hit.
const soldOut = (n: number) => n % 100 === 0;
const numbers = Array.from({ length: demoProductCount }, (_, i) => i + 1);
export const inStockProducts = numbers.filter((n) => !soldOut(n)).map(demoProductId);
export const soldOutProducts = numbers.filter(soldOut).map(demoProductId);

/** Realistic carts: 1 to maxLines distinct products, 1 to maxQuantity of each. */
export function createOrderMix({ outOfStockShare, maxLines = 5, maxQuantity = 3, random = Math.random }: OrderMixOptions) {
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
  return (): OrderBody => {
    const lines = 1 + Math.floor(random() * maxLines);
    const chosen = new Set<string>();
    while (chosen.size < lines) chosen.add(pick(inStockProducts));
    if (random() < outOfStockShare) {
      chosen.delete(chosen.values().next().value as string);
      chosen.add(pick(soldOutProducts));
    }
    return { items: [...chosen].map((productId) => ({ productId, quantity: 1 + Math.floor(random() * maxQuantity) })) };
  };
}

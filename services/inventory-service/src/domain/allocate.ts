import { moneyLimits, type OrderLine, type ReservationResult } from '@shop/contracts';

export interface StockLevel {
  productId: string;
  price: number;
  available: number;
}

export interface ReservationRequest {
  orderId: string;
  items: OrderLine[];
}

/**
 * Decides a batch of reservations against locked stock, first come first served: an order is
 * reserved whole or not at all, never beyond what is available, and never priced beyond the
 * order total cap.
 */
export function allocate(requests: ReservationRequest[], stock: Map<string, StockLevel>, currency: string): ReservationResult[] {
  const remaining = new Map([...stock].map(([id, level]) => [id, level.available]));
  return requests.map(({ orderId, items }): ReservationResult => {
    const unknown = items.filter((line) => !stock.has(line.productId)).map((line) => line.productId);
    if (unknown.length > 0) {
      return { orderId, status: 'REJECTED', rejection: { code: 'UNKNOWN_PRODUCT', message: 'Some products do not exist', productIds: unknown } };
    }
    // Prices may predate the unit price cap, so the order total is checked here, where it is priced.
    const total = items.reduce((sum, line) => sum + line.quantity * stock.get(line.productId)!.price, 0);
    if (total > moneyLimits.orderTotal) {
      return {
        orderId,
        status: 'REJECTED',
        rejection: { code: 'ORDER_TOTAL_TOO_LARGE', message: `The order total would exceed ${moneyLimits.orderTotal} minor units` },
      };
    }
    const short = items.filter((line) => line.quantity > (remaining.get(line.productId) ?? 0)).map((line) => line.productId);
    if (short.length > 0) {
      return { orderId, status: 'REJECTED', rejection: { code: 'OUT_OF_STOCK', message: 'Not enough stock for some products', productIds: short } };
    }
    for (const line of items) {
      remaining.set(line.productId, (remaining.get(line.productId) ?? 0) - line.quantity);
    }
    const lines = items.map((line) => ({ ...line, unitPrice: stock.get(line.productId)!.price }));
    return { orderId, status: 'RESERVED', lines, currency };
  });
}

/** What the given reservations hold, summed per product. */
export function heldByProduct(results: ReservationResult[]): Map<string, number> {
  const held = new Map<string, number>();
  for (const result of results) {
    if (result.status !== 'RESERVED') continue;
    for (const line of result.lines) held.set(line.productId, (held.get(line.productId) ?? 0) + line.quantity);
  }
  return held;
}

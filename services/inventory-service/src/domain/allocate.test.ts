import { allocate, heldByProduct, type StockLevel } from './allocate';

const stock = (levels: Array<[string, number, number]>) =>
  new Map<string, StockLevel>(levels.map(([productId, price, available]) => [productId, { productId, price, available }]));

describe('allocate', () => {
  it('when stock suffices for every order, then each is reserved at the stock price and totals add up', () => {
    const results = allocate(
      [
        { orderId: 'o1', items: [{ productId: 'a', quantity: 2 }] },
        { orderId: 'o2', items: [{ productId: 'a', quantity: 3 }, { productId: 'b', quantity: 1 }] },
      ],
      stock([['a', 150, 5], ['b', 99, 1]]),
      'EUR',
    );
    expect(results.map((r) => r.status)).toEqual(['RESERVED', 'RESERVED']);
    expect(results[1]).toMatchObject({ lines: [{ productId: 'a', quantity: 3, unitPrice: 150 }, { productId: 'b', quantity: 1, unitPrice: 99 }] });
    expect(Object.fromEntries(heldByProduct(results))).toEqual({ a: 5, b: 1 });
  });

  it('when a later order would exceed what is left, then only that order is rejected and nothing of it is reserved', () => {
    const results = allocate(
      [
        { orderId: 'o1', items: [{ productId: 'a', quantity: 4 }] },
        { orderId: 'o2', items: [{ productId: 'b', quantity: 1 }, { productId: 'a', quantity: 2 }] },
        { orderId: 'o3', items: [{ productId: 'a', quantity: 1 }] },
      ],
      stock([['a', 10, 5], ['b', 10, 5]]),
      'EUR',
    );
    expect(results.map((r) => r.status)).toEqual(['RESERVED', 'REJECTED', 'RESERVED']);
    expect(results[1]).toMatchObject({ rejection: { code: 'OUT_OF_STOCK', productIds: ['a'] } });
    expect(Object.fromEntries(heldByProduct(results))).toEqual({ a: 5 });
  });

  it('when a product is unknown, then the order is rejected naming it', () => {
    const results = allocate([{ orderId: 'o1', items: [{ productId: 'x', quantity: 1 }] }], stock([['a', 1, 1]]), 'EUR');
    expect(results[0]).toMatchObject({ status: 'REJECTED', rejection: { code: 'UNKNOWN_PRODUCT', productIds: ['x'] } });
  });
});

import { randomUUID } from 'node:crypto';
import { moneyLimits } from '@shop/contracts';
import { Api, startPlatform, type RunningPlatform } from '@shop/test-kit';

// What cannot be stored is refused at the gateway, and an order that cannot be priced within the
// money limits is rejected alone: neither holds back the orders sent with it.

let platform: RunningPlatform;
let admin: Api;

beforeAll(async () => {
  platform = await startPlatform();
  admin = await Api.asAdmin(platform.gatewayUrl);
}, 60_000);

afterAll(async () => {
  await platform?.stop();
});

const address = { line1: '1 Test Street', city: 'Berlin', postalCode: '10115', country: 'DE' };

/** Polls the order until it leaves PENDING; returns it with how long after `since` that was seen. */
async function settledAfter(api: Api, orderId: string, since: number) {
  const order = await api.settledOrder(orderId);
  return { order, afterMs: Date.now() - since };
}

describe('orders with text the platform cannot store', () => {
  it('when five orders are sent at once and one has a NUL in its address, then it is refused with 400 naming the field, nothing is stored for it, and the four others are CONFIRMED within a second', async () => {
    const customer = await Api.asCustomer(platform.gatewayUrl, await admin.createCustomer());
    const product = await admin.createProduct(300, 10);
    const order = (line1: string) => ({ items: [{ productId: product, quantity: 1 }], shippingAddress: { ...address, line1 } });

    const replies = await Promise.all(['1 Good Street', '2 Good Street', 'bad\u0000', '3 Good Street', '4 Good Street'].map((line1) => customer.post('/v1/orders', order(line1))));
    const acceptedAt = Date.now();

    const bad = replies[2];
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(bad.body).toMatchObject({ code: 'validation-error', errors: [{ field: 'shippingAddress.line1', message: expect.stringContaining('control characters') }] });
    const good = replies.filter((_, i) => i !== 2);
    for (const reply of good) {
      expect(reply.status).toBe(202);
      const { order: settled, afterMs } = await settledAfter(customer, reply.body.orderId, acceptedAt);
      expect(settled.status).toBe('CONFIRMED');
      expect(afterMs).toBeLessThan(1000);
    }
    const listed = await customer.get('/v1/orders?limit=100');
    expect(listed.body.items.map((o: { orderId: string }) => o.orderId).sort()).toEqual(good.map((r) => r.body.orderId).sort());
    expect(await admin.available(product)).toBe(6);
  });

  it.each([
    ['a NUL', 'a\u0000b'],
    ['a lone surrogate', 'a\ud800b'],
    ['a line break', 'a\nb'],
    ['a non-character', 'a\uffffb'],
  ])('when an admin names a customer or a product with %s, then the answer is 400 naming the field, never 500', async (_what, name) => {
    const customer = await admin.post('/v1/customers', { name, email: `x-${randomUUID()}@example.com` });
    const product = await admin.post('/v1/products', { name, price: 100, stock: 1 });
    const existing = await admin.createCustomer();
    const renamed = await admin.patch(`/v1/customers/${existing}`, { name });

    for (const reply of [customer, product, renamed]) {
      expect(reply.status).toBe(400);
      expect(reply.body.errors).toEqual([{ field: 'name', message: expect.stringContaining('control characters') }]);
    }
  });

  it('when an email or an address of a new customer holds a NUL, then the answer is 400 naming each field', async () => {
    const reply = await admin.post('/v1/customers', { name: 'N', email: `a\u0000b-${randomUUID()}@example.com`, shippingAddress: { ...address, city: 'Ber\u0000lin' } });

    expect(reply.status).toBe(400);
    expect([...new Set(reply.body.errors.map((e: { field: string }) => e.field))].sort()).toEqual(['email', 'shippingAddress.city']);
  });
});

describe('money limits', () => {
  it('when a product is priced above the unit price cap, then the answer is 400 naming the price', async () => {
    const reply = await admin.post('/v1/products', { name: 'Too dear', price: moneyLimits.unitPrice + 1, stock: 1 });
    const patched = await admin.patch(`/v1/products/${await admin.createProduct(1, 1)}`, { price: Number.MAX_SAFE_INTEGER });

    for (const r of [reply, patched]) {
      expect(r.status).toBe(400);
      expect(r.body.errors).toEqual([{ field: 'price', message: expect.any(String) }]);
    }
  });

  it('when an order would total more than the cap, then it alone is REJECTED ORDER_TOTAL_TOO_LARGE holding no stock, and the orders sent with it are CONFIRMED within a second', async () => {
    const customer = await Api.asCustomer(platform.gatewayUrl, await admin.createCustomer());
    const dear = [await admin.createProduct(moneyLimits.unitPrice, 1000), await admin.createProduct(moneyLimits.unitPrice, 1000)];
    const cheap = await admin.createProduct(250, 10);

    const [overflowing, ...ordinary] = await Promise.all([
      customer.post('/v1/orders', { items: dear.map((productId) => ({ productId, quantity: 1000 })) }),
      customer.post('/v1/orders', { items: [{ productId: cheap, quantity: 1 }] }),
      customer.post('/v1/orders', { items: [{ productId: cheap, quantity: 2 }] }),
    ]);
    const acceptedAt = Date.now();

    for (const reply of ordinary) {
      const { order, afterMs } = await settledAfter(customer, reply.body.orderId, acceptedAt);
      expect(order.status).toBe('CONFIRMED');
      expect(afterMs).toBeLessThan(1000);
    }
    const rejected = await customer.settledOrder(overflowing.body.orderId);
    expect(rejected).toMatchObject({ status: 'REJECTED', total: null, rejectionReason: { code: 'ORDER_TOTAL_TOO_LARGE' } });
    expect(await admin.available(dear[0])).toBe(1000);
    expect(await admin.available(dear[1])).toBe(1000);
    expect(await admin.available(cheap)).toBe(7);
  });

  it('when an order at the cap is priced, then its total is exact', async () => {
    const customer = await Api.asCustomer(platform.gatewayUrl, await admin.createCustomer());
    const dear = await admin.createProduct(moneyLimits.unitPrice - 1, 1000);

    const reply = await customer.post('/v1/orders', { items: [{ productId: dear, quantity: 1000 }] });

    const order = await customer.settledOrder(reply.body.orderId);
    expect(order).toMatchObject({ status: 'CONFIRMED', total: (moneyLimits.unitPrice - 1) * 1000 });
    expect(Number.isSafeInteger(order.total)).toBe(true);
  });
});

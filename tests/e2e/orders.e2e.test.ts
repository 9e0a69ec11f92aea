import { randomUUID } from 'node:crypto';
import { Api, eventually, startPlatform, type RunningPlatform } from '@shop/test-kit';
import { usedMetricNames } from '../k8s/lib/metrics';
import { renderedDocs } from '../k8s/lib/render';

let platform: RunningPlatform;
let admin: Api;

beforeAll(async () => {
  platform = await startPlatform();
  admin = await Api.asAdmin(platform.gatewayUrl);
}, 60_000);

afterAll(async () => {
  await platform?.stop();
});

async function newCustomer(): Promise<Api> {
  return Api.asCustomer(platform.gatewayUrl, await admin.createCustomer());
}

describe('placing orders through the gateway', () => {
  it('when stock suffices, then the order is CONFIRMED with the total priced by inventory and stock is reserved', async () => {
    const customer = await newCustomer();
    const pen = await admin.createProduct(250, 10);
    const pad = await admin.createProduct(1999, 5);

    const accepted = await customer.post('/v1/orders', { items: [{ productId: pen, quantity: 3 }, { productId: pad, quantity: 1 }] });

    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ orderId: expect.any(String), status: 'PENDING' });
    expect(accepted.headers.get('location')).toBe(`/v1/orders/${accepted.body.orderId}`);
    const order = await customer.settledOrder(accepted.body.orderId);
    expect(order).toMatchObject({
      status: 'CONFIRMED',
      total: 3 * 250 + 1999,
      currency: 'EUR',
      items: expect.arrayContaining([
        { productId: pen, quantity: 3, unitPrice: 250 },
        { productId: pad, quantity: 1, unitPrice: 1999 },
      ]),
      shippingAddress: { line1: '1 Test Street', city: 'Berlin', postalCode: '10115', country: 'DE' },
    });
    expect(await admin.available(pen)).toBe(7);
    expect(await admin.available(pad)).toBe(4);
  });

  it('when the request names a shipping address, then it wins over the customer default', async () => {
    const customer = await newCustomer();
    const product = await admin.createProduct(100, 5);
    const shippingAddress = { line1: '9 Elsewhere Road', city: 'Hamburg', postalCode: '20095', country: 'DE' };

    const accepted = await customer.post('/v1/orders', { items: [{ productId: product, quantity: 1 }], shippingAddress });

    expect((await customer.settledOrder(accepted.body.orderId)).shippingAddress).toEqual(shippingAddress);
  });

  it('when more is ordered than is in stock, then the order is REJECTED OUT_OF_STOCK naming the product and stock is unchanged', async () => {
    const customer = await newCustomer();
    const scarce = await admin.createProduct(500, 2);
    const plenty = await admin.createProduct(100, 50);

    const accepted = await customer.post('/v1/orders', { items: [{ productId: plenty, quantity: 5 }, { productId: scarce, quantity: 3 }] });

    const order = await customer.settledOrder(accepted.body.orderId);
    expect(order.status).toBe('REJECTED');
    expect(order.rejectionReason).toMatchObject({ code: 'OUT_OF_STOCK', productIds: [scarce] });
    expect(await admin.available(scarce)).toBe(2);
    expect(await admin.available(plenty)).toBe(50);
  });

  it('when a product does not exist, then the order is REJECTED UNKNOWN_PRODUCT', async () => {
    const customer = await newCustomer();
    const missing = randomUUID();

    const accepted = await customer.post('/v1/orders', { items: [{ productId: missing, quantity: 1 }] });

    const order = await customer.settledOrder(accepted.body.orderId);
    expect(order).toMatchObject({ status: 'REJECTED', rejectionReason: { code: 'UNKNOWN_PRODUCT', productIds: [missing] } });
  });

  it('when the customer is inactive or unknown, then the order is REJECTED with that reason and holds no stock', async () => {
    const inactiveId = await admin.createCustomer();
    expect((await admin.patch(`/v1/customers/${inactiveId}`, { status: 'INACTIVE' })).status).toBe(200);
    const inactive = await Api.asCustomer(platform.gatewayUrl, inactiveId);
    const stranger = await Api.asCustomer(platform.gatewayUrl, randomUUID());
    const product = await admin.createProduct(100, 3);

    const a = await inactive.post('/v1/orders', { items: [{ productId: product, quantity: 1 }] });
    const b = await stranger.post('/v1/orders', { items: [{ productId: product, quantity: 1 }] });

    expect((await inactive.settledOrder(a.body.orderId)).rejectionReason.code).toBe('CUSTOMER_INACTIVE');
    expect((await stranger.settledOrder(b.body.orderId)).rejectionReason.code).toBe('CUSTOMER_NOT_FOUND');
    expect(await admin.available(product)).toBe(3);
  });

  it('when a confirmed order is cancelled, then it is CANCELLED, its stock comes back and a second cancel is a 409', async () => {
    const customer = await newCustomer();
    const product = await admin.createProduct(100, 10);
    const accepted = await customer.post('/v1/orders', { items: [{ productId: product, quantity: 4 }] });
    await customer.settledOrder(accepted.body.orderId);
    expect(await admin.available(product)).toBe(6);

    const cancelled = await customer.post(`/v1/orders/${accepted.body.orderId}/cancel`);

    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');
    expect(await eventually(() => admin.available(product), (n) => n === 10)).toBe(10);
    const again = await customer.post(`/v1/orders/${accepted.body.orderId}/cancel`);
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
  });

  it("when a customer asks for another customer's order, then the answer is 404, as for an unknown id", async () => {
    const owner = await newCustomer();
    const other = await newCustomer();
    const product = await admin.createProduct(100, 5);
    const accepted = await owner.post('/v1/orders', { items: [{ productId: product, quantity: 1 }] });
    await owner.settledOrder(accepted.body.orderId);

    expect((await other.get(`/v1/orders/${accepted.body.orderId}`)).status).toBe(404);
    expect((await other.post(`/v1/orders/${accepted.body.orderId}/cancel`)).status).toBe(404);
    expect((await other.get(`/v1/orders/${randomUUID()}`)).status).toBe(404);
  });
});

describe('idempotent retries', () => {
  it('when the same Idempotency-Key and body are sent again, then the same order id comes back and one order exists', async () => {
    const customer = await newCustomer();
    const product = await admin.createProduct(100, 10);
    const body = { items: [{ productId: product, quantity: 2 }] };
    const key = randomUUID();

    const replies = await Promise.all([1, 2, 3].map(() => customer.post('/v1/orders', body, { 'idempotency-key': key })));

    expect(replies.map((r) => r.status)).toEqual([202, 202, 202]);
    expect(new Set(replies.map((r) => r.body.orderId)).size).toBe(1);
    await customer.settledOrder(replies[0].body.orderId);
    const list = await customer.get('/v1/orders');
    expect(list.body.items.map((o: { orderId: string }) => o.orderId)).toEqual([replies[0].body.orderId]);
    expect(await admin.available(product)).toBe(8);
  });

  it('when the same Idempotency-Key comes with a different body, then the answer is 422', async () => {
    const customer = await newCustomer();
    const product = await admin.createProduct(100, 10);
    const key = randomUUID();
    await customer.post('/v1/orders', { items: [{ productId: product, quantity: 1 }] }, { 'idempotency-key': key });

    const reply = await customer.post('/v1/orders', { items: [{ productId: product, quantity: 2 }] }, { 'idempotency-key': key });

    expect(reply.status).toBe(422);
    expect(reply.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('listing orders', () => {
  it('when a customer has more orders than a page holds, then pages come newest first with a cursor and a status filter', async () => {
    const customer = await newCustomer();
    const product = await admin.createProduct(100, 3);
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await customer.post('/v1/orders', { items: [{ productId: product, quantity: 1 }] })).body.orderId);
    for (const id of ids) await customer.settledOrder(id);

    const first = await customer.get('/v1/orders?limit=2');
    const second = await customer.get(`/v1/orders?limit=2&cursor=${first.body.nextCursor}`);
    const third = await customer.get(`/v1/orders?limit=2&cursor=${second.body.nextCursor}`);
    const rejected = await customer.get('/v1/orders?status=REJECTED');

    const newestFirst = [...ids].reverse();
    expect([...first.body.items, ...second.body.items, ...third.body.items].map((o: { orderId: string }) => o.orderId)).toEqual(newestFirst);
    expect(third.body.nextCursor).toBeNull();
    expect(rejected.body.items).toHaveLength(2);
    expect((await customer.get('/v1/orders?limit=0')).status).toBe(400);
    expect((await customer.get('/v1/orders?cursor=not-a-cursor')).status).toBe(400);
  });
});

describe('concurrency', () => {
  it('when 200 single-unit orders race for 50 in stock, then exactly 50 are CONFIRMED, 150 REJECTED and stock ends at 0', async () => {
    const product = await admin.createProduct(100, 50);
    const customers = await Promise.all(Array.from({ length: 20 }, () => newCustomer()));

    const accepted = await Promise.all(
      Array.from({ length: 200 }, (_, i) => customers[i % customers.length].post('/v1/orders', { items: [{ productId: product, quantity: 1 }] })),
    );

    expect(accepted.every((r) => r.status === 202)).toBe(true);
    const orders = await Promise.all(accepted.map((r, i) => customers[i % customers.length].settledOrder(r.body.orderId, 60_000)));
    const count = (status: string) => orders.filter((o) => o.status === status).length;
    expect(count('CONFIRMED')).toBe(50);
    expect(count('REJECTED')).toBe(150);
    expect(await admin.available(product)).toBe(0);
  }, 120_000);
});

describe('bad input', () => {
  it('when requests are malformed, invalid, unauthenticated or too large, then each gets its 4xx problem and no order appears', async () => {
    const customer = await newCustomer();
    const product = await admin.createProduct(100, 5);
    const line = { productId: product, quantity: 1 };
    const anonymous = new Api(platform.gatewayUrl);
    const cases: Array<[string, () => Promise<{ status: number; headers: Headers }>, number]> = [
      ['no token', () => anonymous.post('/v1/orders', { items: [line] }), 401],
      ['customer on an admin route', () => customer.post('/v1/products', { name: 'x', price: 1, stock: 1 }), 403],
      ['no items', () => customer.post('/v1/orders', { items: [] }), 400],
      ['quantity 0', () => customer.post('/v1/orders', { items: [{ ...line, quantity: 0 }] }), 400],
      ['quantity 1001', () => customer.post('/v1/orders', { items: [{ ...line, quantity: 1001 }] }), 400],
      ['repeated product', () => customer.post('/v1/orders', { items: [line, line] }), 400],
      ['unknown key', () => customer.post('/v1/orders', { items: [line], coupon: 'FREE' }), 400],
      ['malformed JSON', () => customer.post('/v1/orders', '{"items": ['), 400],
      ['wrong content type', () => customer.request('POST', '/v1/orders', 'items=1', { 'content-type': 'text/plain' }), 415],
      ['body over 16 KiB', () => customer.post('/v1/orders', { items: [line], shippingAddress: { line1: 'x'.repeat(17_000) } }), 413],
      ['unknown order id', () => customer.get('/v1/orders/not-a-uuid'), 404],
    ];

    for (const [name, send, status] of cases) {
      const reply = await send();
      expect({ name, status: reply.status }).toEqual({ name, status });
      expect(reply.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await customer.get('/v1/orders')).body.items).toEqual([]);
    expect(await admin.available(product)).toBe(5);
  });
});

describe('metrics the dashboards and alerts rely on', () => {
  it('when orders have flowed, then every service metric named by the chart is exported by a running service', async () => {
    const customer = await newCustomer();
    const accepted = await customer.post('/v1/orders', { items: [{ productId: await admin.createProduct(100, 1), quantity: 1 }] });
    await customer.settledOrder(accepted.body.orderId);
    expect((await customer.post('/v1/orders', { items: [] })).status).toBe(400);
    const { service: used } = usedMetricNames(renderedDocs('prod'));
    const exported = new Set<string>();
    for (const port of Object.values(platform.ports)) {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      for (const line of text.split('\n')) if (line && !line.startsWith('#')) exported.add(line.split(/[{ ]/)[0]);
    }

    expect(used.length).toBeGreaterThan(5);
    expect(used.filter((name) => !exported.has(name))).toEqual([]);
  });
});

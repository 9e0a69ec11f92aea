import { newId } from '@shop/contracts';
import { aValidOrder, fieldsOf, metricValue, startTestGateway, tapPlaceOrderQueue, tokenFor, waitUntilReady } from './gateway.harness';

describe('POST /v1/orders', () => {
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;

  beforeAll(async () => {
    gateway = await startTestGateway();
    await waitUntilReady(gateway.http);
  });
  // Orders a negative test got accepted by mistake are drained, so a regression does not leave
  // commands in the shared queue for order-management to process.
  const acceptedByMistake: string[] = [];
  afterAll(async () => {
    await gateway.stop();
    if (acceptedByMistake.length === 0) return;
    const tap = await tapPlaceOrderQueue();
    await Promise.allSettled(acceptedByMistake.map((orderId) => tap.take(orderId, 2000)));
    await tap.close();
  });

  const post = async (body: unknown, headers: Record<string, string> = {}) => {
    const res = await gateway.http.post('/v1/orders').set('Authorization', `Bearer ${await tokenFor()}`).set(headers).send(body as object);
    if (res.status === 202) acceptedByMistake.push(res.body.orderId);
    return res;
  };

  describe('when the order is valid', () => {
    test('then 202 with the order id and Location, and the PlaceOrder command is on the queue, persistent', async () => {
      const customerId = newId();
      const order = aValidOrder();
      const acceptedBefore = await metricValue(gateway.http, 'orders_accepted_total');
      const tap = await tapPlaceOrderQueue();
      try {
        const before = Date.now();
        const res = await gateway.http.post('/v1/orders').set('Authorization', `Bearer ${await tokenFor({ sub: customerId })}`).send(order);
        // Taken before asserting, so a failing assertion does not leave the command in the queue.
        const message = res.status === 202 ? await tap.take(res.body.orderId) : undefined;

        expect(res.status).toBe(202);
        expect(res.body).toEqual({ orderId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/), status: 'PENDING' });
        expect(res.headers.location).toBe(`/v1/orders/${res.body.orderId}`);

        const command = JSON.parse(message!.content.toString('utf8'));
        expect(command).toEqual({
          orderId: res.body.orderId,
          customerId,
          items: order.items,
          shippingAddress: { ...order.shippingAddress, country: 'DE' },
          acceptedAt: expect.any(String),
        });
        const acceptedAt = Date.parse(command.acceptedAt);
        expect(acceptedAt).toBeGreaterThanOrEqual(before - 1000);
        expect(acceptedAt).toBeLessThanOrEqual(Date.now());
        expect(message!.fields).toMatchObject({ exchange: 'platform.commands', routingKey: 'order.place' });
        expect(message!.properties).toMatchObject({ deliveryMode: 2, messageId: res.body.orderId, type: 'PlaceOrder', contentType: 'application/json' });
      } finally {
        await tap.close();
      }
      expect(await metricValue(gateway.http, 'orders_accepted_total')).toBe(acceptedBefore + 1);
    });

    test('then a body without shippingAddress yields a command without it, for the token subject', async () => {
      const customerId = newId();
      const items = [{ productId: newId(), quantity: 1000 }];
      const tap = await tapPlaceOrderQueue();
      try {
        const res = await gateway.http.post('/v1/orders').set('Authorization', `Bearer ${await tokenFor({ sub: customerId, role: 'admin' })}`).send({ items });
        const message = res.status === 202 ? await tap.take(res.body.orderId) : undefined;

        expect(res.status).toBe(202);
        const command = JSON.parse(message!.content.toString('utf8'));
        expect(command).toEqual({ orderId: res.body.orderId, customerId, items, acceptedAt: expect.any(String) });
      } finally {
        await tap.close();
      }
    });
  });

  const productId = newId();
  const manyLines = Array.from({ length: 101 }, () => ({ productId: newId(), quantity: 1 }));
  const invalidBodies: Array<[string, string, unknown]> = [
    ['items is empty', 'items', { items: [] }],
    ['items is missing', 'items', { shippingAddress: aValidOrder().shippingAddress }],
    ['there are 101 lines', 'items', { items: manyLines }],
    ['a quantity is 0', 'items.0.quantity', { items: [{ productId, quantity: 0 }] }],
    ['a quantity is 1001', 'items.0.quantity', { items: [{ productId, quantity: 1001 }] }],
    ['a quantity is fractional', 'items.0.quantity', { items: [{ productId, quantity: 1.5 }] }],
    ['a productId repeats', 'items.1', { items: [{ productId, quantity: 1 }, { productId, quantity: 2 }] }],
    ['a productId is not a uuid', 'items.0.productId', { items: [{ productId: 'sku-1', quantity: 1 }] }],
    ['the body names a customerId', 'customerId', { customerId: newId(), items: [{ productId, quantity: 1 }] }],
    ['a line has an unknown key', 'items.0.price', { items: [{ productId, quantity: 1, price: 1 }] }],
    ['the address lacks a country', 'shippingAddress.country', { items: [{ productId, quantity: 1 }], shippingAddress: { line1: 'a', city: 'b', postalCode: 'c' } }],
    ['the body is an array', '(root)', [{ productId, quantity: 1 }]],
  ];

  test.each(invalidBodies)('when %s, then 400 problem+json naming %s', async (_name, field, body) => {
    const refusedBefore = await metricValue(gateway.http, 'orders_refused_total', { reason: 'validation' });

    const res = await post(body);

    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, code: 'validation-error' });
    expect(fieldsOf(res.body)).toContain(field);
    expect(res.body).not.toHaveProperty('stack');
    expect(await metricValue(gateway.http, 'orders_refused_total', { reason: 'validation' })).toBe(refusedBefore + 1);
  });

  test('when several fields are wrong, then every one of them is listed', async () => {
    const res = await post({ items: [{ productId: 'x', quantity: 0 }], extra: true });

    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(expect.arrayContaining(['items.0.productId', 'items.0.quantity', 'extra']));
  });

  test('when the JSON is malformed, then 400 malformed-json', async () => {
    const res = await gateway.http
      .post('/v1/orders')
      .set('Authorization', `Bearer ${await tokenFor()}`)
      .set('Content-Type', 'application/json')
      .send('{"items": [');

    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('malformed-json');
  });

  test('when the body is text/plain, then 415', async () => {
    const res = await gateway.http
      .post('/v1/orders')
      .set('Authorization', `Bearer ${await tokenFor()}`)
      .set('Content-Type', 'text/plain')
      .send(JSON.stringify(aValidOrder()));

    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('unsupported-media-type');
  });

  test('when the body is larger than 16 KiB, then 413', async () => {
    const res = await post({ ...aValidOrder(), padding: 'x'.repeat(17 * 1024) });

    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('payload-too-large');
  });

  test.each([
    ['empty', ''],
    ['longer than 200 characters', 'k'.repeat(201)],
    ['containing a space', 'two words'],
  ])('when the Idempotency-Key is %s, then 400 naming the header and nothing is accepted', async (_name, key) => {
    const acceptedBefore = await metricValue(gateway.http, 'orders_accepted_total');

    const res = await post(aValidOrder(), { 'Idempotency-Key': key });

    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(fieldsOf(res.body)).toEqual(['Idempotency-Key']);
    expect(await metricValue(gateway.http, 'orders_accepted_total')).toBe(acceptedBefore);
  });
});

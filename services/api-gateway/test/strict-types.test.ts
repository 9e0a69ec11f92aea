import { newId } from '@shop/contracts';
import { openApiChecker } from '@shop/test-kit';
import { aValidOrder, fieldsOf, metricValue, startTestGateway, tokenFor, waitUntilReady } from './gateway.harness';

/** No coercion at the HTTP boundary: a value of the wrong type is refused, never converted. */
describe('api-gateway strict typing of bodies and queries', () => {
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let checker: ReturnType<typeof openApiChecker>;
  let customer: string;
  let admin: string;

  beforeAll(async () => {
    gateway = await startTestGateway();
    await waitUntilReady(gateway.http);
    checker = openApiChecker((await gateway.http.get('/openapi.json')).body);
    customer = `Bearer ${await tokenFor()}`;
    admin = `Bearer ${await tokenFor({ role: 'admin' })}`;
  });
  afterAll(async () => {
    await gateway.stop();
  });

  /** The 400 names exactly this field, and the answer is one the document lists. */
  const expectRefused = (method: string, path: string, res: { status: number; headers: Record<string, string>; body: any }, field: string) => {
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, code: 'validation-error' });
    expect(fieldsOf(res.body)).toEqual([field]);
    expect(checker.answerErrors(method, path, { status: res.status, headers: { get: (name) => res.headers[name.toLowerCase()] ?? null }, body: res.body })).toEqual([]);
  };

  const productId = newId();
  const address = aValidOrder().shippingAddress;

  test.each([
    ['a quantity is the string "2"', 'items.0.quantity', { items: [{ productId, quantity: '2' }] }],
    ['a quantity is the string "1e0"', 'items.0.quantity', { items: [{ productId, quantity: '1e0' }] }],
    ['a quantity is true', 'items.0.quantity', { items: [{ productId, quantity: true }] }],
    ['a productId is a number', 'items.0.productId', { items: [{ productId: 42, quantity: 1 }] }],
    ['a postalCode is a number', 'shippingAddress.postalCode', { items: [{ productId, quantity: 1 }], shippingAddress: { ...address, postalCode: 10115 } }],
    ['the address is a JSON string', 'shippingAddress', { items: [{ productId, quantity: 1 }], shippingAddress: JSON.stringify(address) }],
    ['the items are one object, not a list', 'items', { items: { productId, quantity: 1 } }],
  ])('when an order is placed and %s, then 400 naming %s and no order is accepted', async (_name, field, body) => {
    const acceptedBefore = await metricValue(gateway.http, 'orders_accepted_total');

    const res = await gateway.http.post('/v1/orders').set('Authorization', customer).send(body);

    expectRefused('post', '/v1/orders', res, field);
    expect(await metricValue(gateway.http, 'orders_accepted_total')).toBe(acceptedBefore);
  });

  test.each([
    ['limit=2e1', 'limit'],
    ['limit=020', 'limit'],
    ['limit=%2B5', 'limit'],
    ['limit=%205', 'limit'],
    ['limit=5.0', 'limit'],
    ['limit=0x10', 'limit'],
    ['limit=', 'limit'],
    ['limit=5&limit=6', 'limit'],
    ['limit=99999999999999999999', 'limit'],
    ['limit=5&offset=10', 'offset'],
    ['status=CONFIRMED&page=2', 'page'],
    ['cursor=a&cursor=b', 'cursor'],
  ])('when orders are listed with ?%s, then 400 naming %s', async (query, field) => {
    const res = await gateway.http.get(`/v1/orders?${query}`).set('Authorization', customer);

    expectRefused('get', '/v1/orders', res, field);
  });

  test('when products are listed with an unknown parameter, then 400 naming it, without a token too', async () => {
    const res = await gateway.http.get('/v1/products?page=2');

    expectRefused('get', '/v1/products', res, 'page');
  });

  test('when a query limit is plain decimal digits, then it passes validation (and meets the missing upstream)', async () => {
    const res = await gateway.http.get('/v1/products?limit=20');

    // No inventory-service runs here: the request got past validation to the missing upstream.
    expect(res.status).toBe(503);
    expect(['service-unavailable', 'upstream-timeout']).toContain(res.body.code);
    expect(checker.answerErrors('get', '/v1/products', { status: res.status, headers: { get: (n) => res.headers[n.toLowerCase()] ?? null }, body: res.body })).toEqual([]);
  });

  test.each([
    ['post', '/v1/products', 'a price is the string "1000"', 'price', { name: 'Lamp', price: '1000', stock: 5 }],
    ['post', '/v1/products', 'a name is a number', 'name', { name: 42, price: 1000, stock: 5 }],
    ['post', '/v1/products', 'an unknown field is sent', 'discount', { name: 'Lamp', price: 1000, stock: 5, discount: 10 }],
    ['patch', `/v1/products/${productId}`, 'a stock is the string "5"', 'stock', { stock: '5' }],
    ['post', '/v1/customers', 'a postalCode is a number', 'shippingAddress.postalCode', { name: 'Ada', email: 'ada@example.com', shippingAddress: { ...address, postalCode: 10115 } }],
    ['patch', `/v1/customers/${productId}`, 'a name is a number', 'name', { name: 7 }],
  ])('when an admin calls %s %s and %s, then 400 naming %s', async (method, path, _name, field, body) => {
    const res = await gateway.http[method as 'post' | 'patch'](path).set('Authorization', admin).send(body);

    expectRefused(method, path, res, field);
  });
});

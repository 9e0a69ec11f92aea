import { newId } from '@shop/contracts';
import { fieldsOf, metricValue, startTestGateway, tokenFor, waitUntilReady } from './gateway.harness';

/** Requests refused at the gateway before any service is asked. */
describe('api-gateway request validation of reads and admin writes', () => {
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let admin: string;

  beforeAll(async () => {
    gateway = await startTestGateway();
    await waitUntilReady(gateway.http);
    admin = await tokenFor({ role: 'admin' });
  });
  afterAll(async () => {
    await gateway.stop();
  });

  test.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=ten', 'limit'],
    ['status=SHIPPED', 'status'],
    ['sort=desc', 'sort'],
  ])('when orders are listed with %s, then 400 naming %s', async (query, field) => {
    const res = await gateway.http.get(`/v1/orders?${query}`).set('Authorization', `Bearer ${await tokenFor()}`);

    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(fieldsOf(res.body)).toEqual([field]);
  });

  test.each([
    ['get', '/v1/orders/not-a-uuid'],
    ['post', '/v1/orders/123/cancel'],
  ])('when %s %s names no uuid, then 404', async (method, path) => {
    const res = await gateway.http[method as 'get' | 'post'](path).set('Authorization', `Bearer ${await tokenFor()}`);

    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ status: 404, code: 'not-found' });
  });

  test('when products are read without a token, then the route is public (404 for a bad id, 400 for a bad limit, never 401)', async () => {
    const byId = await gateway.http.get('/v1/products/not-a-uuid');
    const list = await gateway.http.get('/v1/products?limit=0');

    expect(byId.status).toBe(404);
    expect(list.status).toBe(400);
    expect(fieldsOf(list.body)).toEqual(['limit']);
  });

  test('when an admin creates a product with bad fields, then 400 lists each of them', async () => {
    const res = await gateway.http.post('/v1/products').set('Authorization', `Bearer ${admin}`).send({ name: '', price: -1, stock: 1.5, onHand: 3 });

    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(expect.arrayContaining(['name', 'price', 'stock', 'onHand']));
  });

  test.each([
    ['empty', {}, '(root)'],
    ['naming the product id', { productId: newId(), price: 5 }, 'productId'],
  ])('when an admin patches a product with a body %s, then 400 naming %s', async (_name, body, field) => {
    const res = await gateway.http.patch(`/v1/products/${newId()}`).set('Authorization', `Bearer ${admin}`).send(body);

    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toContain(field);
  });

  test('when an admin creates a customer without a name and with a bad email, then 400 lists both', async () => {
    const res = await gateway.http.post('/v1/customers').set('Authorization', `Bearer ${admin}`).send({ email: 'not-an-email' });

    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(expect.arrayContaining(['name', 'email']));
  });

  test('when an admin patches a customer with an unknown status, then 400; with a non-uuid id, then 404', async () => {
    const badStatus = await gateway.http.patch(`/v1/customers/${newId()}`).set('Authorization', `Bearer ${admin}`).send({ status: 'DELETED' });
    const badId = await gateway.http.patch('/v1/customers/42').set('Authorization', `Bearer ${admin}`).send({ status: 'ACTIVE' });

    expect(badStatus.status).toBe(400);
    expect(fieldsOf(badStatus.body)).toEqual(['status']);
    expect(badId.status).toBe(404);
  });

  test('when a route does not exist, then 404 problem+json', async () => {
    const res = await gateway.http.delete('/v1/orders');

    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('route-not-found');
  });

  test('when the broker is connected, then /readyz is 200 and /metrics counts requests by route', async () => {
    await gateway.http.get('/v1/products?limit=0');

    expect((await gateway.http.get('/readyz')).status).toBe(200);
    expect(await metricValue(gateway.http, 'http_requests_total', { route: '/v1/products', status_code: '400' })).toBeGreaterThan(0);
  });
});

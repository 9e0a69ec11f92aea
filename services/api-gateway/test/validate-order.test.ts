import { newId } from '@shop/contracts';
import { aValidOrder, fieldsOf, metricValue, startTestGateway, tokenFor, waitUntilReady } from './gateway.harness';

/** POST /v1/orders/validate: the checks of POST /v1/orders without publishing the order. */
describe('POST /v1/orders/validate', () => {
  describe('with the broker connected', () => {
    let gateway: Awaited<ReturnType<typeof startTestGateway>>;

    beforeAll(async () => {
      gateway = await startTestGateway();
      await waitUntilReady(gateway.http);
    });
    afterAll(async () => {
      await gateway.stop();
    });

    test('when the order is valid, then 200 { valid: true } and no order is accepted', async () => {
      const acceptedBefore = await metricValue(gateway.http, 'orders_accepted_total');

      const res = await gateway.http.post('/v1/orders/validate').set('Authorization', `Bearer ${await tokenFor()}`).send(aValidOrder());

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ valid: true });
      expect(res.headers.location).toBeUndefined();
      expect(await metricValue(gateway.http, 'orders_accepted_total')).toBe(acceptedBefore);
      expect(await metricValue(gateway.http, 'http_requests_total', { route: '/v1/orders/validate', status_code: '200' })).toBe(1);
    });

    test('when several fields are wrong, then 400 lists each of them as POST /v1/orders does', async () => {
      const body = { items: [{ productId: 'sku-1', quantity: 0 }], customerId: newId() };
      const token = `Bearer ${await tokenFor()}`;

      const res = await gateway.http.post('/v1/orders/validate').set('Authorization', token).send(body);
      const real = await gateway.http.post('/v1/orders').set('Authorization', token).send(body);

      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(fieldsOf(res.body)).toEqual(expect.arrayContaining(['items.0.productId', 'items.0.quantity', 'customerId']));
      expect(fieldsOf(res.body).sort()).toEqual(fieldsOf(real.body).sort());
    });

    test('when the Idempotency-Key is malformed, then 400 naming the header', async () => {
      const res = await gateway.http
        .post('/v1/orders/validate')
        .set('Authorization', `Bearer ${await tokenFor()}`)
        .set('Idempotency-Key', 'two words')
        .send(aValidOrder());

      expect(res.status).toBe(400);
      expect(fieldsOf(res.body)).toEqual(['Idempotency-Key']);
    });

    test('when no token is sent, then 401 with WWW-Authenticate', async () => {
      const res = await gateway.http.post('/v1/orders/validate').send(aValidOrder());

      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
    });
  });

  describe('without a reachable broker', () => {
    let gateway: Awaited<ReturnType<typeof startTestGateway>>;

    beforeAll(async () => {
      // Nothing listens on port 1: a route that published would answer 503.
      gateway = await startTestGateway({ RABBITMQ_URL: 'amqp://platform:platform-dev@127.0.0.1:1/platform-test' });
    });
    afterAll(async () => {
      await gateway.stop();
    });

    test('when a valid order is checked, then 200 while POST /v1/orders answers 503: validate never publishes', async () => {
      const token = `Bearer ${await tokenFor()}`;

      const res = await gateway.http.post('/v1/orders/validate').set('Authorization', token).send(aValidOrder());
      const real = await gateway.http.post('/v1/orders').set('Authorization', token).send(aValidOrder());

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ valid: true });
      expect(real.status).toBe(503);
    });
  });
});

import { newId } from '@shop/contracts';
import { aValidOrder, metricValue, startTestGateway, tokenFor } from './gateway.harness';

describe('api-gateway without a reachable broker', () => {
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;

  beforeAll(async () => {
    // Nothing listens on port 1: every connect attempt is refused at once.
    gateway = await startTestGateway({ RABBITMQ_URL: 'amqp://platform:platform-dev@127.0.0.1:1/platform-test' });
  });
  afterAll(async () => {
    await gateway.stop();
  });

  test('when an order is posted, then 503 problem+json with Retry-After and no 202', async () => {
    const refusedBefore = await metricValue(gateway.http, 'orders_refused_total', { reason: 'broker_unavailable' });

    const res = await gateway.http.post('/v1/orders').set('Authorization', `Bearer ${await tokenFor()}`).send(aValidOrder());

    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body).toMatchObject({ status: 503, code: 'service-unavailable' });
    expect(await metricValue(gateway.http, 'orders_refused_total', { reason: 'broker_unavailable' })).toBe(refusedBefore + 1);
    expect(await metricValue(gateway.http, 'orders_accepted_total')).toBe(0);
  });

  test('when the probes are asked, then /readyz is 503 and /healthz is 200', async () => {
    const ready = await gateway.http.get('/readyz');
    const health = await gateway.http.get('/healthz');

    expect(ready.status).toBe(503);
    expect(health.status).toBe(200);
  });

  test.each([
    ['a product', '/v1/products/' + newId()],
    ['an order', '/v1/orders/' + newId()],
  ])('when %s is read, then 503 with Retry-After', async (_name, path) => {
    const res = await gateway.http.get(path).set('Authorization', `Bearer ${await tokenFor()}`);

    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

import { newId } from '@shop/contracts';
import { startTcpProxy, testInfrastructure } from '@shop/test-kit';
import { aValidOrder, brokerUrl, metricValue, startTestGateway, tapPlaceOrderQueue, tokenFor, waitUntilReady } from './gateway.harness';

// The gateway's limits on POST /v1/orders, against the real broker: a customer's rate (429) and
// the cap on orders waiting for a confirm (503), neither of which may lose an accepted order.

describe('per-customer rate', () => {
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;

  beforeAll(async () => {
    gateway = await startTestGateway({ ORDER_RATE_PER_CUSTOMER: '3' });
    await waitUntilReady(gateway.http);
  });
  afterAll(async () => {
    await gateway.stop();
  });

  it('when one customer goes over its rate, then it gets 429 with Retry-After and RateLimit headers while another customer is served at the same time', async () => {
    const tap = await tapPlaceOrderQueue();
    try {
      const [greedy, other] = [await tokenFor({ sub: newId() }), await tokenFor({ sub: newId() })];
      const post = (token: string) => gateway.http.post('/v1/orders').set('Authorization', `Bearer ${token}`).send(aValidOrder());
      const replies = await Promise.all([...Array.from({ length: 5 }, () => post(greedy)), post(other)]);
      const greedyReplies = replies.slice(0, 5);

      expect(greedyReplies.map((r) => r.status).sort()).toEqual([202, 202, 202, 429, 429]);
      for (const refused of greedyReplies.filter((r) => r.status === 429)) {
        expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(refused.body).toMatchObject({ status: 429, code: 'rate-limited' });
        expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(refused.headers['ratelimit-policy']).toBe('"orders";q=3;w=1');
        expect(refused.headers['ratelimit']).toMatch(/^"orders";r=0;t=1$/);
      }
      const otherReply = replies[5];
      expect(otherReply.status).toBe(202);
      expect(otherReply.headers['ratelimit']).toMatch(/^"orders";r=2;t=1$/);
      // Every 202 was published: the limiter refuses before anything is sent, never after.
      for (const accepted of replies.filter((r) => r.status === 202)) await tap.take(accepted.body.orderId);
      expect(await metricValue(gateway.http, 'orders_rate_limited_total')).toBe(2);
      expect(await metricValue(gateway.http, 'orders_refused_total', { reason: 'rate_limited' })).toBe(2);
    } finally {
      await tap.close();
    }
  });

  it('when the second has passed, then the customer is served again', async () => {
    const token = await tokenFor({ sub: newId() });
    const post = () => gateway.http.post('/v1/orders').set('Authorization', `Bearer ${token}`).send(aValidOrder());
    const first = await Promise.all(Array.from({ length: 4 }, post));
    expect(first.filter((r) => r.status === 429)).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await post()).status).toBe(202);
  });
});

describe('per-customer rate switched off', () => {
  it('when ORDER_RATE_PER_CUSTOMER is 0, then a customer is not limited and the answers carry no RateLimit headers', async () => {
    const gateway = await startTestGateway({ ORDER_RATE_PER_CUSTOMER: '0' });
    const tap = await tapPlaceOrderQueue();
    try {
      await waitUntilReady(gateway.http);
      const token = await tokenFor({ sub: newId() });
      const replies = await Promise.all(Array.from({ length: 5 }, () => gateway.http.post('/v1/orders').set('Authorization', `Bearer ${token}`).send(aValidOrder())));

      expect(replies.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
      for (const reply of replies) expect(reply.headers['ratelimit-policy']).toBeUndefined();
      for (const accepted of replies) await tap.take(accepted.body.orderId);
    } finally {
      await tap.close();
      await gateway.stop();
    }
  });
});

describe('orders waiting for the broker', () => {
  it('when the broker stops answering and the cap of waiting orders is reached, then the next order is shed at once with 503 + Retry-After, and every order accepted is published', async () => {
    const { rabbitmq } = testInfrastructure;
    const proxy = await startTcpProxy(rabbitmq.port);
    const gateway = await startTestGateway({
      RABBITMQ_URL: brokerUrl.replace(`:${rabbitmq.port}/`, `:${proxy.port}/`),
      MAX_ORDERS_IN_FLIGHT: '4',
      PUBLISH_TIMEOUT_MS: '10000',
    });
    const tap = await tapPlaceOrderQueue();
    try {
      await waitUntilReady(gateway.http);
      const post = async () => gateway.http.post('/v1/orders').set('Authorization', `Bearer ${await tokenFor()}`).send(aValidOrder());
      const before = await Promise.all([post(), post(), post()]);
      expect(before.map((r) => r.status)).toEqual([202, 202, 202]);

      proxy.hold(true);
      const waiting = Array.from({ length: 4 }, () => post());
      await new Promise((resolve) => setTimeout(resolve, 300));
      const startedAt = Date.now();
      const shed = await post();

      expect(shed.status).toBe(503);
      expect(Date.now() - startedAt).toBeLessThan(1000);
      expect(shed.body).toMatchObject({ status: 503, code: 'overloaded' });
      expect(shed.headers['retry-after']).toBe('1');
      // The path recovers: the waiting orders are confirmed, and every 202 is in the queue.
      proxy.hold(false);
      const after = await Promise.all(waiting);
      expect(after.map((r) => r.status)).toEqual([202, 202, 202, 202]);
      for (const accepted of [...before, ...after]) await tap.take(accepted.body.orderId);
      expect(await metricValue(gateway.http, 'orders_shed_total')).toBe(1);
    } finally {
      await tap.close();
      proxy.hold(false);
      await gateway.stop();
      await proxy.close();
    }
  });
});

import { newId } from '@shop/contracts';
import { startTcpProxy, testInfrastructure } from '@shop/test-kit';
import { aValidOrder, brokerUrl, commandsOf, metricValue, startTestGateway, tapPlaceOrderQueue, tokenFor, waitUntilReady } from './gateway.harness';

// A command whose bytes reached the broker while the confirm was lost with the connection: the order
// will be placed, so the client must not be told its request was refused (fault suite: a 503
// service-unavailable for an order that then existed, counted as duplicated).

describe('orders whose confirm is lost with the connection', () => {
  it('when the broker took the commands and the connection is cut before their confirm, then each client gets 503 publish-unconfirmed and every command is in the queue', async () => {
    const { rabbitmq } = testInfrastructure;
    const proxy = await startTcpProxy(rabbitmq.port);
    const gateway = await startTestGateway({ RABBITMQ_URL: brokerUrl.replace(`:${rabbitmq.port}/`, `:${proxy.port}/`), PUBLISH_TIMEOUT_MS: '30000' });
    const tap = await tapPlaceOrderQueue();
    try {
      await waitUntilReady(gateway.http);
      const customers = [newId(), newId(), newId()];
      const tokens = await Promise.all(customers.map((sub) => tokenFor({ sub })));
      // The broker gets what the gateway sends; nothing it answers comes back.
      proxy.stall(true, 'from-target');

      const replies = Promise.all(tokens.map((token) => gateway.http.post('/v1/orders').set('Authorization', `Bearer ${token}`).send(aValidOrder()).then((r) => r)));
      // One message may carry several of them (a PlaceOrders batch): wait until every one is queued.
      const waitingFor = new Set(customers);
      while (waitingFor.size > 0) {
        const message = await tap.takeWhere((c) => waitingFor.has(c.customerId), 'a command of the test', 10_000);
        for (const c of commandsOf(message)) waitingFor.delete(c.customerId);
      }
      proxy.cutAll();
      proxy.stall(false);

      for (const reply of await replies) {
        expect(reply.status).toBe(503);
        expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(reply.body).toMatchObject({ status: 503, code: 'publish-unconfirmed' });
      }
      expect(await metricValue(gateway.http, 'orders_accepted_total')).toBe(0);
      // The gateway is back on a new connection and accepts again.
      await waitUntilReady(gateway.http);
      const after = await gateway.http.post('/v1/orders').set('Authorization', `Bearer ${tokens[0]}`).send(aValidOrder());
      expect(after.status).toBe(202);
      await tap.take(after.body.orderId);
    } finally {
      proxy.stall(false);
      await tap.close();
      await gateway.stop();
      await proxy.close();
    }
  });
});

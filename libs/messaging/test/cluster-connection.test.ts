import type { ChannelModel } from 'amqplib';
import { BrokerConnection, ConfirmPublisher, declareRpcQueue, declareWorkQueue, deadLetterQueue, retryDelaysMs, retryQueue } from '@shop/messaging';
import { quietLogger, rawConnection, startTcpProxy, testInfrastructure, waitFor } from '@shop/test-kit';

// A cluster's nodes stand in as two TCP proxies in front of the test broker: closing the proxy a
// connection goes through is, for the client, that node going away.
const { rabbitmq } = testInfrastructure;
const viaProxy = (port: number) => `amqp://platform:platform-dev@127.0.0.1:${port}/${rabbitmq.vhost}`;

describe('BrokerConnection with several nodes', () => {
  it('when the node it is connected to goes away, then it connects to another and runs every setup again', async () => {
    const nodes = [await startTcpProxy(rabbitmq.port), await startTcpProxy(rabbitmq.port)];
    const broker = new BrokerConnection({ url: nodes.map((n) => viaProxy(n.port)), name: 'cluster-reconnect-test', logger: quietLogger() });
    const connections: ChannelModel[] = [];
    try {
      await broker.use(async (connection) => void connections.push(connection));
      await broker.start();
      const used = nodes.findIndex((n) => n.connections() > 0);
      expect(used).toBeGreaterThanOrEqual(0);

      await nodes[used].close();
      await waitFor(() => connections.length === 2 && broker.isConnected, { timeoutMs: 5000, what: 'reconnected to the other node' });

      expect(nodes[1 - used].connections()).toBe(1);
      const channel = await connections[1].createChannel();
      await channel.checkExchange('amq.direct');
      await channel.close();
    } finally {
      await broker.close();
      await Promise.all(nodes.map((n) => n.close()));
    }
  });

  it('when a publish comes while the connection moves to another node, then it waits and is confirmed instead of refused', async () => {
    const nodes = [await startTcpProxy(rabbitmq.port), await startTcpProxy(rabbitmq.port)];
    const broker = new BrokerConnection({ url: nodes.map((n) => viaProxy(n.port)), name: 'cluster-publish-test', logger: quietLogger() });
    const publisher = new ConfirmPublisher(broker, quietLogger(), 3000);
    try {
      await publisher.start();
      await broker.start();
      const used = nodes.findIndex((n) => n.connections() > 0);
      // The other node takes a moment to answer, so the publish comes while no node is connected.
      nodes[1 - used].hold(true);
      await nodes[used].close();
      await waitFor(() => !publisher.isReady, { timeoutMs: 2000, what: 'the channel to close' });

      const published = publisher.publish('amq.direct', 'nowhere', { n: 1 }, { messageId: 'moved', type: 'test' });
      await new Promise((r) => setTimeout(r, 300));
      nodes[1 - used].hold(false);

      await expect(published).resolves.toBeUndefined();
      expect(nodes[1 - used].connections()).toBe(1);
    } finally {
      await broker.close();
      await Promise.all(nodes.map((n) => n.close()));
    }
  });

  it('when no node answers, then a publish is refused with 503 once the reconnect wait is over', async () => {
    const nodes = [await startTcpProxy(rabbitmq.port), await startTcpProxy(rabbitmq.port)];
    const broker = new BrokerConnection({ url: nodes.map((n) => viaProxy(n.port)), name: 'cluster-down-test', logger: quietLogger(), reconnectWaitMs: 300 });
    const publisher = new ConfirmPublisher(broker, quietLogger(), 3000);
    try {
      await publisher.start();
      await broker.start();
      await Promise.all(nodes.map((n) => n.close()));
      await waitFor(() => !publisher.isReady, { timeoutMs: 2000, what: 'the channel to close' });
      const started = Date.now();

      await expect(publisher.publish('amq.direct', 'nowhere', { n: 1 }, { messageId: 'down', type: 'test' })).rejects.toMatchObject({ status: 503 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await broker.close();
    }
  });
});

describe('quorum topology', () => {
  it('when the queues are declared as quorum queues twice, then the second declaration matches and the delivery limits are set', async () => {
    const connection = await rawConnection();
    const queue = `test.quorum.${Date.now()}`;
    const rpc = `${queue}.rpc`;
    const names = [queue, deadLetterQueue(queue), ...retryDelaysMs.map((_, tier) => retryQueue(queue, tier)), rpc];
    try {
      const channel = await connection.createChannel();
      await declareWorkQueue(channel, queue, { queueType: 'quorum' });
      await declareRpcQueue(channel, rpc, 'quorum');
      // A reconnecting service declares everything again: any difference in arguments would close the channel.
      await declareWorkQueue(channel, queue, { queueType: 'quorum' });
      await declareRpcQueue(channel, rpc, 'quorum');

      for (const [name, limit] of [[queue, 7], [rpc, 7]] as const) {
        const probe = await connection.createChannel();
        probe.on('error', () => undefined);
        const refused = await probe
          .assertQueue(name, { durable: true, arguments: { 'x-queue-type': 'quorum', 'x-delivery-limit': limit } })
          .then(() => false, () => true);
        expect({ name, refused }).toEqual({ name, refused: true });
      }
    } finally {
      const cleanup = await connection.createChannel();
      for (const name of names) await cleanup.deleteQueue(name);
      await connection.close();
    }
  });
});

import type { ChannelModel } from 'amqplib';
import { BrokerConnection, ConfirmPublisher, deadLetterQueue, declareWorkQueue, retryDelaysMs, retryQueue, retryTier } from '@shop/messaging';
import { BROKER_URL, quietLogger, rawConnection, sleep, startTcpProxy, testInfrastructure, waitFor } from '@shop/test-kit';

// The generic messaging mechanics against the real broker, reached through a TCP proxy that can
// cut connections or stall them.
const { rabbitmq } = testInfrastructure;
const viaProxy = (port: number) => `amqp://platform:platform-dev@127.0.0.1:${port}/${rabbitmq.vhost}`;

describe('BrokerConnection', () => {
  it('when the connection is cut, then it reconnects by itself and runs every setup again', async () => {
    const proxy = await startTcpProxy(rabbitmq.port);
    const broker = new BrokerConnection({ url: viaProxy(proxy.port), name: 'reconnect-test', logger: quietLogger(), maxBackoffMs: 200 });
    const connections: ChannelModel[] = [];
    try {
      await broker.use(async (connection) => void connections.push(connection));
      await broker.start();
      expect(connections).toHaveLength(1);

      proxy.cutAll();
      await waitFor(() => connections.length === 2 && broker.isConnected, { timeoutMs: 10_000, what: 'reconnected' });

      expect(connections[1]).not.toBe(connections[0]);
      // The new connection works.
      const channel = await connections[1].createChannel();
      await channel.checkExchange('amq.direct');
      await channel.close();
    } finally {
      await broker.close();
      await proxy.close();
    }
  });
});

describe('BrokerConnection with a settle time', () => {
  it('when an established connection is lost, then it connects again no sooner than settleMs, and at once on its first start', async () => {
    const proxy = await startTcpProxy(rabbitmq.port);
    const broker = new BrokerConnection({ url: viaProxy(proxy.port), name: 'settle-test', logger: quietLogger(), settleMs: 1200 });
    const connectedAt: number[] = [];
    try {
      await broker.use(async () => void connectedAt.push(Date.now()));
      const started = Date.now();
      await broker.start();
      expect(connectedAt[0] - started).toBeLessThan(1000);

      const cutAt = Date.now();
      proxy.cutAll();
      await waitFor(() => connectedAt.length === 2 && broker.isConnected, { timeoutMs: 10_000, what: 'reconnected' });
      expect(connectedAt[1] - cutAt).toBeGreaterThanOrEqual(1200);
      // A publish or a call waiting meanwhile is answered by reconnected(), not left hanging.
      expect(await broker.reconnected(10)).toBe(true);
    } finally {
      await broker.close();
      await proxy.close();
    }
  });
});

describe('BrokerConnection when a connection closes during its setup', () => {
  it('when the connection is cut while a setup runs on it, then one new connection is opened, not two', async () => {
    const proxy = await startTcpProxy(rabbitmq.port);
    const broker = new BrokerConnection({ url: viaProxy(proxy.port), name: 'reconnect-once-test', logger: quietLogger(), maxBackoffMs: 200 });
    const connections: ChannelModel[] = [];
    try {
      // The second connection's setup is still at work when the cut comes, and then fails as a
      // setup does on a closed connection: the close and the failed setup both ask to reconnect.
      await broker.use(async (connection) => {
        connections.push(connection);
        if (connections.length !== 2) return;
        await new Promise((resolve) => connection.once('close', resolve));
        await connection.createChannel();
      });
      await broker.start();
      proxy.cutAll();
      await waitFor(() => connections.length === 2, { timeoutMs: 10_000, what: 'a second connection in its setup' });

      proxy.cutAll();
      await waitFor(() => connections.length >= 3 && broker.isConnected, { timeoutMs: 10_000, what: 'reconnected' });
      await sleep(1500); // several backoffs: a second reconnect would have connected by now

      expect(connections.length).toBe(3);
    } finally {
      await broker.close();
      await Promise.all(connections.map((c) => c.close().catch(() => undefined)));
      await proxy.close();
    }
  });
});

describe('ConfirmPublisher', () => {
  it('when the broker stops answering, then a publish fails with 503 after its timeout instead of hanging', async () => {
    const proxy = await startTcpProxy(rabbitmq.port);
    const broker = new BrokerConnection({ url: viaProxy(proxy.port), name: 'confirm-timeout-test', logger: quietLogger() });
    const publisher = new ConfirmPublisher(broker, quietLogger(), 300);
    try {
      await publisher.start();
      await broker.start();
      proxy.stall(true);
      const started = Date.now();

      const outcome = publisher.publish('amq.direct', 'nowhere', { n: 1 }, { messageId: 'stalled', type: 'test' });

      await expect(outcome).rejects.toMatchObject({ status: 503, message: 'The message broker did not confirm in time' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      proxy.stall(false);
      await broker.close();
      await proxy.close();
    }
  });
});

describe('ConfirmPublisher when a confirm is lost', () => {
  it('when the broker took the message but the connection is cut before its confirm came back, then the publish fails as publish-unconfirmed, not as a refusal', async () => {
    const proxy = await startTcpProxy(rabbitmq.port);
    const broker = new BrokerConnection({ url: viaProxy(proxy.port), name: 'confirm-lost-test', logger: quietLogger(), maxBackoffMs: 200 });
    const publisher = new ConfirmPublisher(broker, quietLogger(), 30_000);
    const direct = await rawConnection();
    try {
      const channel = await direct.createChannel();
      const { queue } = await channel.assertQueue('', { exclusive: true });
      await publisher.start();
      await broker.start();
      // The publish reaches the broker; its confirm is dropped on the way back.
      proxy.stall(true, 'from-target');

      const outcome = publisher.publish('', queue, { n: 1 }, { messageId: 'confirm-lost', type: 'test', mandatory: true });
      outcome.catch(() => undefined);
      await waitFor(async () => (await channel.checkQueue(queue)).messageCount === 1, { timeoutMs: 10_000, what: 'the message queued' });
      proxy.cutAll();
      proxy.stall(false);

      await expect(outcome).rejects.toMatchObject({ status: 503, code: 'publish-unconfirmed' });
      const queued = await channel.get(queue, { noAck: true });
      expect(queued && queued.properties.messageId).toBe('confirm-lost');
    } finally {
      proxy.stall(false);
      await publisher.close();
      await broker.close();
      await proxy.close();
      await direct.close();
    }
  });

  it('when the channel is already gone, then a publish is refused as service-unavailable: nothing left', async () => {
    const broker = new BrokerConnection({ url: BROKER_URL, name: 'publisher-closed-test', logger: quietLogger() });
    const publisher = new ConfirmPublisher(broker, quietLogger(), 2000);
    try {
      await publisher.start();
      await broker.start();
      await publisher.close();

      await expect(publisher.publish('', 'nowhere', { n: 1 }, { messageId: 'never-sent', type: 'test' })).rejects.toMatchObject({ status: 503, code: 'service-unavailable' });
    } finally {
      await broker.close();
    }
  });
});

describe('retry ladder', () => {
  it('when a message is retried again and again, then it waits 1 s, 5 s, then 30 s for every later retry', () => {
    expect([0, 1, 2, 3, 10].map(retryTier)).toEqual([0, 1, 2, 2, 2]);
    expect(retryDelaysMs).toEqual([1000, 5000, 30_000]);
    expect([0, 1, 2].map((tier) => retryQueue('q', tier))).toEqual(['q.retry.1s', 'q.retry.5s', 'q.retry.30s']);
  });

  it('when a work queue is declared, then its dead-letter queue and one delay queue per rung exist with their TTLs', async () => {
    const connection = await rawConnection();
    const queue = `test.ladder.${Date.now()}`;
    try {
      const channel = await connection.createChannel();
      await declareWorkQueue(channel, queue, { queueType: 'classic' });
      for (const name of [queue, deadLetterQueue(queue), ...retryDelaysMs.map((_, tier) => retryQueue(queue, tier))]) {
        expect((await channel.checkQueue(name)).queue).toBe(name);
      }
      // Declaring a delay queue with another TTL is refused: the declared one has exactly this TTL.
      const probe = await connection.createChannel();
      probe.on('error', () => undefined);
      const refused = await probe
        .assertQueue(retryQueue(queue, 1), { durable: true, arguments: { 'x-queue-type': 'classic', 'x-message-ttl': 1234 } })
        .then(() => false, () => true);
      expect(refused).toBe(true);
      const cleanup = await connection.createChannel();
      for (const name of [queue, deadLetterQueue(queue), ...retryDelaysMs.map((_, tier) => retryQueue(queue, tier))]) await cleanup.deleteQueue(name);
    } finally {
      await connection.close();
    }
  });
});

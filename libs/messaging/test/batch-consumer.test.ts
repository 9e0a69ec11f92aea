import { randomUUID } from 'node:crypto';
import amqp, { type ChannelModel, type ConsumeMessage } from 'amqplib';
import { BatchConsumer, BrokerConnection, ack, mechanicsExchanges, retry, retryQueue, type Settlement } from '@shop/messaging';
import { createMetrics } from '@shop/platform';
import { BROKER_URL, quietLogger, sleep } from '@shop/test-kit';


describe('BatchConsumer when a batch cannot be settled', () => {
  const queue = `test.unsettled.${randomUUID()}`;
  let admin: ChannelModel;
  let broker: BrokerConnection;
  let consumer: BatchConsumer | undefined;

  beforeAll(async () => {
    admin = await amqp.connect(BROKER_URL);
  });

  afterAll(async () => {
    await consumer?.stop();
    await broker?.close();
    const channel = await admin.createChannel();
    for (const name of [queue, `${queue}.dlq`, retryQueue(queue, 0), retryQueue(queue, 1), retryQueue(queue, 2)]) await channel.deleteQueue(name).catch(() => undefined);
    await admin.close();
  });

  it('when the broker refuses a retry on a channel that stays open, then the channel is reset, the message comes back and the next ones still flow', async () => {
    // The first retry queue refuses every message (reject-publish at length 0): the broker nacks
    // the republish of a retry, so its settlement fails while the channel stays open.
    const setup = await admin.createChannel();
    await setup.assertQueue(retryQueue(queue, 0), { durable: false, arguments: { 'x-max-length': 0, 'x-overflow': 'reject-publish' } });
    await setup.close();

    const seen: string[] = [];
    let refusedOnce = false;
    const handle = async (messages: ConsumeMessage[]): Promise<Settlement[]> =>
      messages.map((m) => {
        const body = m.content.toString();
        seen.push(body);
        if (body === 'first' && !refusedOnce) {
          refusedOnce = true;
          return retry('try later');
        }
        return ack;
      });
    const metrics = createMetrics('consumer-test');
    broker = new BrokerConnection({ url: BROKER_URL, name: 'consumer-test', logger: quietLogger() });
    consumer = new BatchConsumer({
      broker,
      queue,
      logger: quietLogger(),
      metrics,
      prefetch: 1,
      batchSize: 1,
      maxWaitMs: 10,
      declare: async (channel) => {
        await channel.assertExchange(mechanicsExchanges.retry, 'direct', { durable: true });
        await channel.assertQueue(queue, { durable: false });
        await channel.bindQueue(retryQueue(queue, 0), mechanicsExchanges.retry, `${queue}.0`);
      },
      handle,
    });
    await consumer.start();
    await broker.start();

    const publisher = await admin.createConfirmChannel();
    publisher.sendToQueue(queue, Buffer.from('first'));
    publisher.sendToQueue(queue, Buffer.from('second'));
    await publisher.waitForConfirms();
    await publisher.close();

    for (let i = 0; i < 100 && !seen.includes('second'); i += 1) await sleep(50);
    expect(seen.filter((b) => b === 'first').length).toBeGreaterThanOrEqual(2);
    expect(seen).toContain('second');
    const unsettled = (await metrics.messagesHandled.get()).values.find((v) => v.labels.outcome === 'unsettled');
    expect(unsettled?.value).toBe(1);
  });
});


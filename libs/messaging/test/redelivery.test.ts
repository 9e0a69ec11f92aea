import { randomUUID } from 'node:crypto';
import type { ChannelModel, ConsumeMessage } from 'amqplib';
import { deadLetterQueue } from '@shop/contracts';
import { ack, BatchConsumer, BrokerConnection, declareWorkQueue } from '@shop/messaging';
import { createMetrics } from '@shop/platform';
import { quietLogger, rawConnection, takeMessage, BROKER_URL } from '@shop/test-kit';

describe('messages that keep coming back', () => {
  let connection: ChannelModel;
  const queue = `test.redelivery.${randomUUID()}`;

  beforeAll(async () => {
    connection = await rawConnection();
  });

  afterAll(async () => {
    const channel = await connection.createChannel();
    for (const q of [queue, deadLetterQueue(queue), `${queue}.retry.1s`, `${queue}.retry.5s`, `${queue}.retry.30s`]) await channel.deleteQueue(q);
    await connection.close();
  });

  it('when a message was redelivered more often than the limit, then it is dead-lettered with the count; others are handled once', async () => {
    const setup = await connection.createConfirmChannel();
    await declareWorkQueue(setup, queue, { queueType: 'classic' });
    setup.sendToQueue(queue, Buffer.from('{"n":"poison"}'), { messageId: 'poison', persistent: true, headers: { 'x-redelivery-count': 5 } });
    setup.sendToQueue(queue, Buffer.from('{"n":"innocent"}'), { messageId: 'innocent', persistent: true });
    await setup.waitForConfirms();
    // A consumer that dies holding both: the broker hands them out again, marked redelivered.
    const doomed = await connection.createChannel();
    await doomed.prefetch(10);
    let held = 0;
    await doomed.consume(queue, () => void (held += 1), { noAck: false });
    while (held < 2) await new Promise((r) => setTimeout(r, 20));
    await doomed.close();

    const handled: string[] = [];
    const broker = new BrokerConnection({ url: BROKER_URL, name: 'test-redelivery', logger: quietLogger() });
    const consumer = new BatchConsumer({
      broker,
      queue,
      logger: quietLogger(),
      metrics: createMetrics('test'),
      prefetch: 10,
      batchSize: 10,
      maxWaitMs: 5,
      declare: (channel) => declareWorkQueue(channel, queue, { queueType: 'classic' }),
      handle: async (messages: ConsumeMessage[]) => messages.map((m) => (handled.push(String(m.properties.messageId)), ack)),
    });
    await consumer.start();
    await broker.start();
    const dead = await takeMessage(connection, deadLetterQueue(queue), (m) => m.properties.messageId === 'poison');
    while (handled.length < 1) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    await consumer.stop();
    await broker.close();

    expect(dead?.properties.headers?.['x-dead-letter-reason']).toBe('redelivered 6 times without being settled');
    expect(handled).toEqual(['innocent']);
  });
});

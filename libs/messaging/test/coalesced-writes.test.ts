import type { ChannelModel } from 'amqplib';
import { BrokerConnection, ConfirmPublisher } from '@shop/messaging';
import { quietLogger, scratchQueue, BROKER_URL, type ScratchQueue } from '@shop/test-kit';

interface CountedSocket {
  _write: (...args: unknown[]) => unknown;
  _writev: (...args: unknown[]) => unknown;
}

describe('frames written to the broker', () => {
  let scratch: ScratchQueue;
  beforeAll(async () => void (scratch = await scratchQueue('test.coalesce')));
  afterAll(() => scratch.close());

  it('when many messages are published in one tick, then they leave in a few socket writes, all confirmed, in order', async () => {
    let model: ChannelModel | undefined;
    const broker = new BrokerConnection({ url: BROKER_URL, name: 'test-coalesce', logger: quietLogger() });
    await broker.use(async (connection) => void (model = connection));
    const publisher = new ConfirmPublisher(broker, quietLogger(), 5000);
    await broker.start();
    await publisher.start();
    const socket = (model as unknown as { connection: { stream: CountedSocket } }).connection.stream;
    let writes = 0;
    for (const method of ['_write', '_writev'] as const) {
      const original = socket[method].bind(socket);
      socket[method] = (...args: unknown[]) => ((writes += 1), original(...args));
    }

    const count = 300;
    await Promise.all(
      Array.from({ length: count }, (_, n) => publisher.publish('', scratch.queue, { n }, { messageId: `m-${n}`, type: 'test.coalesce' })),
    );
    await publisher.close();
    await broker.close();

    const received = (await scratch.drain()).map((message) => (JSON.parse(message.content.toString()) as { n: number }).n);
    expect(received).toEqual(Array.from({ length: count }, (_, n) => n));
    // One write per frame set would be 300; a handful covers the burst and the channel close.
    expect(writes).toBeLessThan(20);
  });
});

import { randomBytes } from 'node:crypto';
import amqp, { type ConfirmChannel } from 'amqplib';
import { demoCustomerId } from '@shop/demo-data';
import { inStockProducts } from '../load/order-mix';

/** A PlaceOrder command of the usual size: three lines, no address. */
export const payload = () =>
  Buffer.from(
    JSON.stringify({
      orderId: '01a2b3c4-0000-7000-8000-000000000000',
      customerId: demoCustomerId(1),
      items: inStockProducts.slice(0, 3).map((productId) => ({ productId, quantity: 2 })),
      acceptedAt: new Date().toISOString(),
    }),
  );

export interface BenchQueue {
  queue: string;
  /** A confirm channel on its own connection, as the gateway publishes. */
  publisher: ConfirmChannel;
  /** Consumes until `total` messages arrived, acking every `ackEvery` with one multiple ack. */
  consumeAll(total: number): Promise<void>;
  /** Deletes the queue and closes both connections. */
  close(): Promise<void>;
}

/**
 * A temporary queue of the work queue's type (classic v2; x-expires removes it even if this
 * process dies) with a publisher and a consumer on two connections, as two services would have.
 * The consumer takes `prefetch` unacked messages and settles them the way the batch consumer
 * settles a batch.
 */
export async function openBenchQueue(
  brokerUrl: string,
  name: string,
  { prefetch = 400, ackEvery = 100, noDelay = false }: { prefetch?: number; ackEvery?: number; noDelay?: boolean } = {},
): Promise<BenchQueue> {
  const queue = `bench.${name}.${randomBytes(4).toString('hex')}`;
  const publisherConnection = await amqp.connect(brokerUrl, { noDelay });
  const consumerConnection = await amqp.connect(brokerUrl, { noDelay });
  const closeConnections = async () => {
    await consumerConnection.close().catch(() => undefined);
    await publisherConnection.close().catch(() => undefined);
  };
  try {
    const publisher = await publisherConnection.createConfirmChannel();
    await publisher.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'classic', 'x-queue-version': 2, 'x-expires': 600_000 } });
    const consumer = await consumerConnection.createChannel();
    await consumer.prefetch(prefetch);
    return {
      queue,
      publisher,
      consumeAll: (total) =>
        new Promise<void>((resolve) => {
          let consumed = 0;
          void consumer.consume(queue, (message) => {
            if (!message) return;
            consumed++;
            if (consumed % ackEvery === 0 || consumed === total) consumer.ack(message, true);
            if (consumed === total) resolve();
          });
        }),
      async close() {
        await publisher.deleteQueue(queue).catch(() => undefined);
        await closeConnections();
      },
    };
  } catch (err) {
    await closeConnections();
    throw err;
  }
}

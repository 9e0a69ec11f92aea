import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import { demoCustomerId } from '@shop/contracts';
import { inStockProducts } from '../load/order-mix';

export interface BrokerBaseline {
  messages: number;
  seconds: number;
  perSecond: number;
  payloadBytes: number;
}

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

/**
 * R_mq: what the broker alone sustains for the pipeline's traffic shape. Persistent messages
 * published with confirms (many in flight, like many gateway requests) and consumed with manual
 * acks under the consumer's prefetch, on a temporary queue of the work queue's type, from two
 * connections as two services would. amqplib's defaults, as the services use them.
 */
export async function measureBroker(options: { brokerUrl: string; messages: number; inFlight?: number; prefetch?: number; ackEvery?: number }): Promise<BrokerBaseline> {
  const { messages, inFlight = 1000, prefetch = 400, ackEvery = 100 } = options;
  const queue = `bench.r-mq.${randomBytes(4).toString('hex')}`;
  const body = payload();
  const publisherConnection = await amqp.connect(options.brokerUrl);
  const consumerConnection = await amqp.connect(options.brokerUrl);
  try {
    const publisher = await publisherConnection.createConfirmChannel();
    // Classic v2 like the local work queue; x-expires removes it even if this process dies.
    await publisher.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'classic', 'x-queue-version': 2, 'x-expires': 600_000 } });
    const consumer = await consumerConnection.createChannel();
    await consumer.prefetch(prefetch);

    const started = performance.now();
    let consumed = 0;
    const allConsumed = new Promise<void>((resolve) => {
      void consumer.consume(queue, (message) => {
        if (!message) return;
        consumed++;
        // Acks cover everything up to this delivery, as the batch consumer settles a batch.
        if (consumed % ackEvery === 0 || consumed === messages) consumer.ack(message, true);
        if (consumed === messages) resolve();
      });
    });

    let confirmed = 0;
    let nacked: Error | undefined;
    let waiter: (() => void) | undefined;
    for (let sent = 0; sent < messages; sent++) {
      while (sent - confirmed >= inFlight && !nacked) await new Promise<void>((resolve) => (waiter = resolve));
      if (nacked) throw nacked;
      publisher.publish('', queue, body, { persistent: true, contentType: 'application/json', messageId: String(sent) }, (err) => {
        if (err) nacked = err instanceof Error ? err : new Error(`the broker refused message ${sent}`);
        confirmed++;
        waiter?.();
      });
    }
    await publisher.waitForConfirms();
    await allConsumed;
    const seconds = (performance.now() - started) / 1000;
    await publisher.deleteQueue(queue);
    return { messages, seconds, perSecond: messages / seconds, payloadBytes: body.length };
  } finally {
    await consumerConnection.close().catch(() => undefined);
    await publisherConnection.close().catch(() => undefined);
  }
}

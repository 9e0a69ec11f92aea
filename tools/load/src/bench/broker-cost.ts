import { randomBytes } from 'node:crypto';
import amqp, { type Options } from 'amqplib';
import { commandProbe } from '../probes/proc-probes';
import { payload } from './broker-baseline';

export interface BrokerCost {
  /** Messages per second offered, paced. */
  rate: number;
  seconds: number;
  /** RabbitMQ's CPU seconds per 1,000 messages published with confirms and consumed with acks. */
  persistent: number;
  transient: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What one message costs the broker at a given rate: PlaceOrder-sized messages published with
 * confirms at `rate` per second, paced as requests arrive rather than as fast as possible, and
 * consumed under the batch consumer's prefetch with multiple acks. Once persistent (what every
 * order's command is) and once transient, so the durable write's share shows. R_mq measures the
 * broker at its own maximum, where per-message costs are amortized over far bigger bursts.
 */
export async function measureBrokerCost(options: { brokerUrl: string; rate: number; seconds: number }): Promise<BrokerCost> {
  const persistent = await cpuPer1000(options, true);
  const transient = await cpuPer1000(options, false);
  return { rate: options.rate, seconds: options.seconds, persistent, transient };
}

async function cpuPer1000({ brokerUrl, rate, seconds }: { brokerUrl: string; rate: number; seconds: number }, persistent: boolean): Promise<number> {
  const queue = `bench.broker-cost.${randomBytes(4).toString('hex')}`;
  const body = payload();
  const total = Math.round(rate * seconds);
  const broker = commandProbe('rabbitmq', 'beam.smp', { rss: false });
  const publisherConnection = await amqp.connect(brokerUrl, { noDelay: true });
  const consumerConnection = await amqp.connect(brokerUrl, { noDelay: true });
  try {
    const publisher = await publisherConnection.createConfirmChannel();
    await publisher.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'classic', 'x-queue-version': 2, 'x-expires': 600_000 } });
    const consumer = await consumerConnection.createChannel();
    await consumer.prefetch(400);
    let consumed = 0;
    const allConsumed = new Promise<void>((resolve) => {
      void consumer.consume(queue, (message) => {
        if (!message) return;
        consumed++;
        if (consumed % 100 === 0 || consumed === total) consumer.ack(message, true);
        if (consumed === total) resolve();
      });
    });

    const before = (await broker.sample())?.cpuSeconds ?? 0;
    const properties: Options.Publish = { persistent, contentType: 'application/json', type: 'PlaceOrder', mandatory: true };
    const started = performance.now();
    for (let sent = 0; sent < total; ) {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
      for (; sent < due; sent++) publisher.publish('', queue, body, { ...properties, messageId: String(sent) });
      await sleep(1);
    }
    await publisher.waitForConfirms();
    await allConsumed;
    const after = (await broker.sample())?.cpuSeconds ?? 0;
    await publisher.deleteQueue(queue);
    return ((after - before) * 1000) / total;
  } finally {
    await consumerConnection.close().catch(() => undefined);
    await publisherConnection.close().catch(() => undefined);
  }
}

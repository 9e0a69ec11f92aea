import type { Options } from 'amqplib';
import type { ResourceProbe } from '../probes/probe';
import { openBenchQueue, payload } from './bench-queue';

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
interface BrokerCostOptions {
  brokerUrl: string;
  rate: number;
  seconds: number;
  /** CPU of the broker node the queue lives on. */
  broker: ResourceProbe;
}

export async function measureBrokerCost(options: BrokerCostOptions): Promise<BrokerCost> {
  const persistent = await cpuPer1000(options, true);
  const transient = await cpuPer1000(options, false);
  return { rate: options.rate, seconds: options.seconds, persistent, transient };
}

async function cpuPer1000({ brokerUrl, rate, seconds, broker }: BrokerCostOptions, persistent: boolean): Promise<number> {
  const body = payload();
  const total = Math.round(rate * seconds);
  const { queue, publisher, consumeAll, close } = await openBenchQueue(brokerUrl, 'broker-cost', { noDelay: true });
  try {
    const allConsumed = consumeAll(total);
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
    return ((after - before) * 1000) / total;
  } finally {
    await close();
  }
}

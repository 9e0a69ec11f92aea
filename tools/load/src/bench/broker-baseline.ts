import { openBenchQueue, payload } from './bench-queue';

export interface BrokerBaseline {
  messages: number;
  seconds: number;
  perSecond: number;
  payloadBytes: number;
}

/**
 * R_mq: what the broker alone sustains for the pipeline's traffic shape. Persistent messages
 * published with confirms (many in flight, like many gateway requests) and consumed with manual
 * acks under the consumer's prefetch, on a temporary queue of the work queue's type, from two
 * connections as two services would. amqplib's defaults, as the services use them.
 */
export async function measureBroker(options: { brokerUrl: string; messages: number; inFlight?: number; prefetch?: number; ackEvery?: number }): Promise<BrokerBaseline> {
  const { messages, inFlight = 1000, prefetch = 400, ackEvery = 100 } = options;
  const body = payload();
  const { queue, publisher, consumeAll, close } = await openBenchQueue(options.brokerUrl, 'r-mq', { prefetch, ackEvery });
  try {
    const started = performance.now();
    const allConsumed = consumeAll(messages);

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
    return { messages, seconds, perSecond: messages / seconds, payloadBytes: body.length };
  } finally {
    await close();
  }
}

import type { Channel } from 'amqplib';

export type QueueType = 'classic' | 'quorum';

/** The exchanges behind the retry and dead-letter mechanics, shared by every work queue. */
export const mechanicsExchanges = {
  deadLetter: 'platform.dead-letter',
  retry: 'platform.retry',
} as const;

/** Where a work queue's dead letters wait for an operator. */
export const deadLetterQueue = (queue: string): string => `${queue}.dlq`;

export interface WorkQueueOptions {
  queueType: QueueType;
  /** Quorum queues dead-letter a message redelivered this many times (a poison message that crashes us). */
  deliveryLimit?: number;
}

/**
 * Backoff for transient failures: the n-th retry waits in the n-th delay queue (the last one for
 * every retry after that). Fixed per tier, so every declarer of a queue declares the same.
 */
export const retryDelaysMs = [1000, 5000, 30_000] as const;

export const retryQueue = (queue: string, tier: number): string => `${queue}.retry.${retryDelaysMs[tier] / 1000}s`;
export const retryRoutingKey = (queue: string, tier: number): string => `${queue}.${tier}`;
export const retryTier = (retriesSoFar: number): number => Math.min(retriesSoFar, retryDelaysMs.length - 1);

const typeArgs = (queueType: QueueType): Record<string, unknown> =>
  queueType === 'quorum' ? { 'x-queue-type': 'quorum' } : { 'x-queue-type': 'classic', 'x-queue-version': 2 };

/**
 * A durable work queue with its dead-letter queue and its delay queues. Dead letters keep the
 * reason in a header; retries wait out their delay in `<queue>.retry.<n>s` and then return here.
 */
export async function declareWorkQueue(channel: Channel, queue: string, options: WorkQueueOptions): Promise<void> {
  const { queueType, deliveryLimit = 5 } = options;
  await channel.assertExchange(mechanicsExchanges.deadLetter, 'direct', { durable: true });
  await channel.assertExchange(mechanicsExchanges.retry, 'direct', { durable: true });

  await channel.assertQueue(deadLetterQueue(queue), { durable: true, arguments: typeArgs(queueType) });
  await channel.bindQueue(deadLetterQueue(queue), mechanicsExchanges.deadLetter, queue);

  for (const [tier, delay] of retryDelaysMs.entries()) {
    await channel.assertQueue(retryQueue(queue, tier), {
      durable: true,
      arguments: { ...typeArgs(queueType), 'x-message-ttl': delay, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': queue },
    });
    await channel.bindQueue(retryQueue(queue, tier), mechanicsExchanges.retry, retryRoutingKey(queue, tier));
  }

  await channel.assertQueue(queue, {
    durable: true,
    arguments: {
      ...typeArgs(queueType),
      ...(queueType === 'quorum' ? { 'x-delivery-limit': deliveryLimit } : {}),
      'x-dead-letter-exchange': mechanicsExchanges.deadLetter,
      'x-dead-letter-routing-key': queue,
    },
  });
}

/** Request queues hold short-lived requests with an expiry; losing them on a broker restart only
 * makes the caller time out and retry, so they stay classic. */
export async function declareRpcQueue(channel: Channel, queue: string): Promise<void> {
  await channel.assertQueue(queue, { durable: true, arguments: typeArgs('classic') });
}

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
 * A quorum queue dead-letters at most once by default: a message expiring from a delay queue, or
 * going over the delivery limit, while a leader changes could vanish. At least once keeps it until
 * the target queue confirmed it (it needs reject-publish overflow; no queue here has a length limit).
 */
const deadLetterArgs = (queueType: QueueType): Record<string, unknown> =>
  queueType === 'quorum' ? { 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' } : {};

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
      arguments: { ...typeArgs(queueType), ...deadLetterArgs(queueType), 'x-message-ttl': delay, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': queue },
    });
    await channel.bindQueue(retryQueue(queue, tier), mechanicsExchanges.retry, retryRoutingKey(queue, tier));
  }

  await channel.assertQueue(queue, {
    durable: true,
    arguments: {
      ...typeArgs(queueType),
      ...(queueType === 'quorum' ? { 'x-delivery-limit': deliveryLimit } : {}),
      ...deadLetterArgs(queueType),
      'x-dead-letter-exchange': mechanicsExchanges.deadLetter,
      'x-dead-letter-routing-key': queue,
    },
  });
}

/**
 * Request queues hold short-lived requests with an expiry; losing them on a broker restart only
 * makes the caller time out and retry. On one node they are classic. In a cluster (quorum) they are
 * quorum queues too: a classic queue lives on one node and, while that node is down, can be neither
 * used nor declared again elsewhere, so its servers could not consume anywhere.
 */
export async function declareRpcQueue(channel: Channel, queue: string, queueType: QueueType = 'classic', deliveryLimit = 5): Promise<void> {
  const args = queueType === 'quorum' ? { ...typeArgs('quorum'), 'x-delivery-limit': deliveryLimit } : typeArgs('classic');
  await channel.assertQueue(queue, { durable: true, arguments: args });
}

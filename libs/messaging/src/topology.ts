import type { Channel } from 'amqplib';
import { deadLetterQueue, exchanges } from '@shop/contracts';

export type QueueType = 'classic' | 'quorum';

export interface WorkQueueOptions {
  queueType: QueueType;
  /** Quorum queues dead-letter a message redelivered this many times (a poison message that crashes us). */
  deliveryLimit?: number;
  /** How long a transiently failed message waits in the retry queue before it comes back. */
  retryDelayMs?: number;
}

export const retryQueue = (queue: string): string => `${queue}.retry`;

const typeArgs = (queueType: QueueType): Record<string, unknown> =>
  queueType === 'quorum' ? { 'x-queue-type': 'quorum' } : { 'x-queue-type': 'classic', 'x-queue-version': 2 };

/**
 * A durable work queue with its dead-letter queue and its delay queue. Dead letters keep the
 * reason in a header; retries wait out their delay in `<queue>.retry` and then return here.
 */
export async function declareWorkQueue(channel: Channel, queue: string, options: WorkQueueOptions): Promise<void> {
  const { queueType, deliveryLimit = 5, retryDelayMs = 1000 } = options;
  await channel.assertExchange(exchanges.deadLetter, 'direct', { durable: true });
  await channel.assertExchange(exchanges.retry, 'direct', { durable: true });

  await channel.assertQueue(deadLetterQueue(queue), { durable: true, arguments: typeArgs(queueType) });
  await channel.bindQueue(deadLetterQueue(queue), exchanges.deadLetter, queue);

  await channel.assertQueue(retryQueue(queue), {
    durable: true,
    arguments: {
      ...typeArgs(queueType),
      'x-message-ttl': retryDelayMs,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': queue,
    },
  });
  await channel.bindQueue(retryQueue(queue), exchanges.retry, queue);

  await channel.assertQueue(queue, {
    durable: true,
    arguments: {
      ...typeArgs(queueType),
      ...(queueType === 'quorum' ? { 'x-delivery-limit': deliveryLimit } : {}),
      'x-dead-letter-exchange': exchanges.deadLetter,
      'x-dead-letter-routing-key': queue,
    },
  });
}

/** Request queues hold short-lived requests with an expiry; losing them on a broker restart only
 * makes the caller time out and retry, so they stay classic. */
export async function declareRpcQueue(channel: Channel, queue: string): Promise<void> {
  await channel.assertQueue(queue, { durable: true, arguments: typeArgs('classic') });
}

export async function declareExchanges(channel: Channel): Promise<void> {
  await channel.assertExchange(exchanges.commands, 'direct', { durable: true });
  await channel.assertExchange(exchanges.events, 'topic', { durable: true });
}

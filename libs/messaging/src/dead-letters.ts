import type { ChannelModel } from 'amqplib';
import { deadLetterQueue } from './topology';

export interface DeadLetter {
  messageId?: string;
  type?: string;
  reason?: string;
  deadLetteredFrom?: string;
  body: unknown;
}

const REASON = 'x-dead-letter-reason';
/** Headers that belong to the failed attempts, not to the message. */
const attemptHeaders = [REASON, 'x-original-queue', 'x-retry-count', 'x-death', 'x-first-death-exchange', 'x-first-death-queue', 'x-first-death-reason', 'x-delivery-count'];

const parse = (content: Buffer): unknown => {
  try {
    return JSON.parse(content.toString('utf8'));
  } catch {
    return content.toString('utf8');
  }
};

export async function countDeadLetters(connection: ChannelModel, workQueues: readonly string[]): Promise<Array<{ queue: string; deadLetters: number }>> {
  const channel = await connection.createChannel();
  try {
    const counts = [];
    for (const queue of workQueues) counts.push({ queue, deadLetters: (await channel.checkQueue(deadLetterQueue(queue))).messageCount });
    return counts;
  } finally {
    await channel.close().catch(() => undefined);
  }
}

/**
 * Reads dead letters without removing them: they are fetched unacked and go back to the queue,
 * in sequence, when the channel closes.
 */
export async function inspectDeadLetters(connection: ChannelModel, queue: string, limit: number): Promise<DeadLetter[]> {
  const channel = await connection.createChannel();
  try {
    const letters: DeadLetter[] = [];
    while (letters.length < limit) {
      const message = await channel.get(deadLetterQueue(queue), { noAck: false });
      if (!message) break;
      const headers = message.properties.headers ?? {};
      const death = Array.isArray(headers['x-death']) ? headers['x-death'][0] : undefined;
      letters.push({
        messageId: message.properties.messageId,
        type: message.properties.type,
        reason: headers[REASON] ?? (death ? `broker: ${death.reason} (${death.count} deliveries)` : undefined),
        deadLetteredFrom: headers['x-original-queue'] ?? death?.queue,
        body: parse(message.content),
      });
    }
    return letters;
  } finally {
    await channel.close().catch(() => undefined);
  }
}

/** Sends dead letters back to their work queue (all, or those with one message id) and removes them. */
export async function replayDeadLetters(connection: ChannelModel, queue: string, options: { messageId?: string; limit: number }): Promise<number> {
  const channel = await connection.createConfirmChannel();
  let replayed = 0;
  try {
    for (let seen = 0; seen < 1_000_000 && replayed < options.limit; seen += 1) {
      const message = await channel.get(deadLetterQueue(queue), { noAck: false });
      if (!message) break;
      if (options.messageId && message.properties.messageId !== options.messageId) continue;
      const headers: Record<string, unknown> = { ...message.properties.headers, 'x-replayed-at': new Date().toISOString() };
      for (const h of attemptHeaders) delete headers[h];
      channel.sendToQueue(queue, message.content, { ...message.properties, headers, persistent: true });
      await channel.waitForConfirms();
      channel.ack(message);
      replayed += 1;
    }
    return replayed;
  } finally {
    await channel.close().catch(() => undefined);
  }
}

export async function purgeDeadLetters(connection: ChannelModel, queue: string): Promise<number> {
  const channel = await connection.createChannel();
  try {
    return (await channel.purgeQueue(deadLetterQueue(queue))).messageCount;
  } finally {
    await channel.close().catch(() => undefined);
  }
}

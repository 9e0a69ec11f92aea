import { randomUUID } from 'node:crypto';
import amqp, { type ChannelModel, type GetMessage } from 'amqplib';
import { BrokerConnection, RpcClient } from '@shop/messaging';
import { createLogger } from '@shop/platform';
import { BROKER_URL } from './local-env';

export const quietLogger = () => createLogger('test', 'silent');

/** An RPC client of the test's own, the way another service would call. */
export async function startRpcClient(timeoutMs = 5000): Promise<{ rpc: RpcClient; close(): Promise<void> }> {
  const broker = new BrokerConnection({ url: BROKER_URL, name: 'test-client', logger: quietLogger() });
  const rpc = new RpcClient(broker, quietLogger(), timeoutMs);
  await rpc.start();
  await broker.start();
  return { rpc, close: async () => (await rpc.close(), await broker.close()) };
}

export async function rawConnection(): Promise<ChannelModel> {
  return amqp.connect(BROKER_URL);
}

/**
 * Takes (acks) the first message of a queue that matches; the others it read go back to the queue
 * untouched when its channel closes.
 */
export async function takeMessage(connection: ChannelModel, queue: string, match: (m: GetMessage) => boolean, timeoutMs = 5000): Promise<GetMessage | undefined> {
  const channel = await connection.createChannel();
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      const message = await channel.get(queue, { noAck: false });
      if (!message) {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      if (match(message)) {
        channel.ack(message);
        return message;
      }
    }
    return undefined;
  } finally {
    await channel.close();
  }
}

export interface ScratchQueue {
  queue: string;
  /** Takes every message the queue holds now, in order. */
  drain(): Promise<GetMessage[]>;
  /** Deletes the queue and closes the connection. */
  close(): Promise<void>;
}

/** A durable queue of a test's own (`<prefix>.<uuid>`), on a raw connection of its own. */
export async function scratchQueue(prefix: string): Promise<ScratchQueue> {
  const raw = await rawConnection();
  const queue = `${prefix}.${randomUUID()}`;
  const setup = await raw.createChannel();
  await setup.assertQueue(queue, { durable: true });
  await setup.close();
  return {
    queue,
    async drain() {
      const channel = await raw.createChannel();
      const messages: GetMessage[] = [];
      for (let message = await channel.get(queue, { noAck: true }); message; message = await channel.get(queue, { noAck: true })) messages.push(message);
      await channel.close();
      return messages;
    },
    async close() {
      const channel = await raw.createChannel();
      await channel.deleteQueue(queue);
      await raw.close();
    },
  };
}

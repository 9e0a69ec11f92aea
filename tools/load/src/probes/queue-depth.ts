import amqp, { type Channel, type ChannelModel } from 'amqplib';

/** Messages ready in each queue that exists, or undefined when the broker cannot be asked now. */
export type QueueDepthReader = () => Promise<Record<string, number> | undefined>;

export interface QueueDepthProbe {
  read: QueueDepthReader;
  close(): Promise<void>;
}

/**
 * Reads the queues' depth with a passive declare on a connection of its own: it needs no
 * management plugin and changes nothing. A queue not declared yet makes the broker close the
 * channel (404), so each read opens the channel again when needed; a broker that is down or
 * restarting (other people's fault tests) leaves a gap in the series, not a failed run.
 */
export function queueDepthProbe(brokerUrl: string, queues: readonly string[], timeoutMs = 2000): QueueDepthProbe {
  let connection: ChannelModel | undefined;
  let channel: Channel | undefined;
  let closed = false;
  let reading: Promise<Record<string, number>> | undefined;

  const open = async (): Promise<Channel> => {
    if (!connection) {
      const opened = await amqp.connect(brokerUrl, { timeout: timeoutMs });
      opened.on('error', () => undefined);
      opened.on('close', () => {
        if (connection === opened) connection = channel = undefined;
      });
      connection = opened;
    }
    if (!channel) {
      const created = await connection.createChannel();
      created.on('error', () => undefined);
      created.on('close', () => {
        if (channel === created) channel = undefined;
      });
      channel = created;
    }
    return channel;
  };

  const readAll = async (): Promise<Record<string, number>> => {
    const depth: Record<string, number> = {};
    for (const queue of queues) {
      try {
        depth[queue] = (await (await open()).checkQueue(queue)).messageCount;
      } catch (err) {
        // The 404 of a queue nobody declared yet closes only the channel; anything else is the connection's.
        if ((err as { code?: number }).code !== 404) throw err;
        channel = undefined;
      }
    }
    return depth;
  };

  return {
    async read() {
      // A read that outlived its timeout (a blocked broker) must not pile up behind itself.
      if (closed || reading) return undefined;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
      reading = readAll().finally(() => (reading = undefined));
      try {
        return await Promise.race([reading, timeout]);
      } catch {
        return undefined;
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      closed = true;
      const opened = connection;
      connection = channel = undefined;
      await opened?.close().catch(() => undefined);
    },
  };
}

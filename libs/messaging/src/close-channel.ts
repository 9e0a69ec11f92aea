import type { Channel } from 'amqplib';

/**
 * Closes a channel without waiting forever. amqplib settles `channel.close()` only when the
 * broker's CloseOk arrives: when the connection dies first (a node that pauses itself in a
 * partition, a cut connection), the promise never settles, and whoever awaited it hangs for the
 * life of the process. This resolves on the CloseOk, on the channel's 'close' event (which a dead
 * connection emits), or after `timeoutMs`, whichever comes first; it never rejects.
 */
export function closeChannel(channel: Channel, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      channel.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    channel.once('close', done);
    channel.close().then(done, done);
  });
}

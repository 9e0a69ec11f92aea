import amqp from 'amqplib';
import { closeChannel } from '@shop/messaging';
import { startTcpProxy, testInfrastructure } from '@shop/test-kit';

// A channel closed just before its connection dies: what a consumer does when a node that is
// pausing itself (a partition, pause_minority) nacks its settlement and then never answers.
const { rabbitmq } = testInfrastructure;
const viaProxy = (port: number) => `amqp://platform:platform-dev@127.0.0.1:${port}/${rabbitmq.vhost}`;

const settledWithin = (promise: Promise<unknown>, ms: number) =>
  Promise.race([promise.then(() => true, () => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);

describe('closeChannel', () => {
  it('when the connection dies before the broker answers the close, then amqplib never settles channel.close() but closeChannel resolves', async () => {
    const proxy = await startTcpProxy(rabbitmq.port);
    const connection = await amqp.connect(viaProxy(proxy.port));
    connection.on('error', () => undefined);
    try {
      const [raw, ours] = await Promise.all([connection.createChannel(), connection.createChannel()]);
      // The broker's CloseOk never comes back; then the connection is cut.
      proxy.stall(true);
      const rawClose = raw.close();
      const ourClose = closeChannel(ours, 60_000);
      proxy.cutAll();

      expect(await settledWithin(ourClose, 2000)).toBe(true);
      // Why closeChannel exists: awaiting this one would hang for good.
      expect(await settledWithin(rawClose, 2000)).toBe(false);
    } finally {
      await proxy.close();
    }
  });

  it('when the broker answers, then it resolves as soon as the channel is closed', async () => {
    const connection = await amqp.connect(viaProxy(rabbitmq.port));
    try {
      const channel = await connection.createChannel();
      const started = Date.now();
      await closeChannel(channel, 60_000);
      expect(Date.now() - started).toBeLessThan(2000);
      await expect(channel.checkExchange('amq.direct')).rejects.toThrow(/closed/i);
    } finally {
      await connection.close();
    }
  });
});

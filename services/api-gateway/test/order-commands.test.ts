import { execFileSync } from 'node:child_process';
import { messageTypes, newId, queues, type PlaceOrderCommand } from '@shop/contracts';
import { createLogger } from '@shop/platform';
import { BrokerConnection, ConfirmPublisher } from '@shop/messaging';
import { createOrderCommands } from '../src/outbound/order-commands.publisher';
import { testInfrastructure } from '@shop/test-kit';
import { brokerUrl, tapPlaceOrderQueue } from './gateway.harness';

const command = (): PlaceOrderCommand => ({
  orderId: newId(),
  customerId: newId(),
  items: [{ productId: newId(), quantity: 1 }],
  acceptedAt: new Date().toISOString(),
});

describe('PlaceOrder commands on the wire', () => {
  const logger = createLogger('order-commands-test', 'silent');
  let broker: BrokerConnection;
  let publisher: ConfirmPublisher;

  beforeAll(async () => {
    broker = new BrokerConnection({ url: brokerUrl, name: 'order-commands-test', logger });
    publisher = new ConfirmPublisher(broker, logger, 2000);
    await publisher.start();
    await broker.start();
  });
  afterAll(async () => {
    await publisher.close();
    await broker.close();
  });

  /** Runs `work` with a tap on the place-order queue, closed (and unclaimed messages requeued) after. */
  const withTap = async (work: (tap: Awaited<ReturnType<typeof tapPlaceOrderQueue>>) => Promise<void>) => {
    const tap = await tapPlaceOrderQueue();
    try {
      await work(tap);
    } finally {
      await tap.close();
    }
  };

  /** Places the commands in one turn of the event loop; resolves when all were confirmed. */
  const placeTogether = (perMessage: number, commands: PlaceOrderCommand[]) => {
    const orderCommands = createOrderCommands(publisher, perMessage);
    return Promise.all(commands.map((c) => orderCommands.placeOrder(c)));
  };

  it('when three orders are placed in one turn, then one persistent PlaceOrders message carries all three', async () => {
    const commands = [command(), command(), command()];
    await withTap(async (tap) => {
      await placeTogether(100, commands);
      const message = await tap.take(commands[0].orderId);

      expect(message.properties).toMatchObject({ type: messageTypes.placeOrders, deliveryMode: 2 });
      expect(JSON.parse(message.content.toString('utf8'))).toEqual({ commands });
    });
  });

  it('when more orders than fit one message are placed, then they are split; a command alone travels as PlaceOrder', async () => {
    const commands = [command(), command(), command()];
    await withTap(async (tap) => {
      await placeTogether(2, commands);
      const pair = await tap.take(commands[0].orderId);
      const single = await tap.take(commands[2].orderId);

      expect(JSON.parse(pair.content.toString('utf8')).commands.map((c: PlaceOrderCommand) => c.orderId)).toEqual([commands[0].orderId, commands[1].orderId]);
      expect(single.properties).toMatchObject({ type: messageTypes.placeOrder, messageId: commands[2].orderId });
      expect(JSON.parse(single.content.toString('utf8'))).toEqual(commands[2]);
    });
  });

  it('when one command per message is configured, then each order is its own PlaceOrder message', async () => {
    const commands = [command(), command()];
    await withTap(async (tap) => {
      await placeTogether(1, commands);
      for (const c of commands) {
        const message = await tap.take(c.orderId);
        expect(message.properties).toMatchObject({ type: messageTypes.placeOrder, messageId: c.orderId });
      }
    });
  });

  // A nack only says the broker refuses responsibility for the message, not that no queue holds it:
  // the client must ask again with its key (publish-unconfirmed), never take it as a refusal.
  it('when the broker nacks the message, then every order in it gets 503 publish-unconfirmed', async () => {
    // A policy makes the place-order queue full and refusing: the broker nacks what is routed to it.
    setRejectPolicy(true);
    try {
      const orderCommands = createOrderCommands(publisher, 100);

      const results = await Promise.allSettled([orderCommands.placeOrder(command()), orderCommands.placeOrder(command())]);

      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      expect(results.map((r) => (r as PromiseRejectedResult).reason)).toEqual([
        expect.objectContaining({ status: 503, code: 'publish-unconfirmed', message: 'The message broker nacked the message' }),
        expect.objectContaining({ status: 503, code: 'publish-unconfirmed', message: 'The message broker nacked the message' }),
      ]);
    } finally {
      setRejectPolicy(false);
    }
  });
});

function setRejectPolicy(on: boolean): void {
  const { node, vhost } = testInfrastructure.rabbitmq;
  const args = on
    ? ['set_policy', '-p', vhost, '--apply-to', 'queues', 'test-reject-publish', `^${queues.placeOrder.replace(/\./g, '\\.')}$`, '{"max-length":0,"overflow":"reject-publish"}']
    : ['clear_policy', '-p', vhost, 'test-reject-publish'];
  execFileSync('rabbitmqctl', ['-q', '-n', node, ...args], { stdio: 'pipe' });
  // Policies reach the queue asynchronously; a second's wait is long enough on a local node.
  execFileSync('sleep', ['1']);
}

import { exchanges, messageTypes, queues, routingKeys } from '@shop/contracts';
import { declareExchanges, declareWorkQueue, type ConfirmPublisher, type QueueType } from '@shop/messaging';
import type { OrderCommands } from '../domain/upstream';

type Channel = Parameters<typeof declareWorkQueue>[0];

/**
 * Declared by the gateway too (same arguments as order-management), so a command is routable
 * even before order-management first started; a mandatory publish would be returned otherwise.
 */
export async function declareCommandTopology(channel: Channel, queueType: QueueType): Promise<void> {
  await declareExchanges(channel);
  await declareWorkQueue(channel, queues.placeOrder, { queueType });
  await channel.bindQueue(queues.placeOrder, exchanges.commands, routingKeys.placeOrder);
}

export const createOrderCommands = (publisher: ConfirmPublisher): OrderCommands => ({
  placeOrder: (command) =>
    publisher.publish(exchanges.commands, routingKeys.placeOrder, command, {
      messageId: command.orderId,
      type: messageTypes.placeOrder,
      mandatory: true,
    }),
});

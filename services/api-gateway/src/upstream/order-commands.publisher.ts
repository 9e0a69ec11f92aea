import { exchanges, messageTypes, routingKeys } from '@shop/contracts';
import type { ConfirmPublisher } from '@shop/messaging';
import type { OrderCommands } from '../domain/upstream';

export const createOrderCommands = (publisher: ConfirmPublisher): OrderCommands => ({
  placeOrder: (command) =>
    publisher.publish(exchanges.commands, routingKeys.placeOrder, command, {
      messageId: command.orderId,
      type: messageTypes.placeOrder,
      mandatory: true,
    }),
});

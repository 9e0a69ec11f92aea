import { exchanges, messageTypes, newId, routingKeys, type PlaceOrderCommand, type PlaceOrdersMessage } from '@shop/contracts';
import type { ConfirmPublisher } from '@shop/messaging';
import type { OrderCommands } from '../domain/upstream';

interface Waiting {
  command: PlaceOrderCommand;
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Publishes PlaceOrder commands. The commands placed during one turn of the event loop leave
 * together in one PlaceOrders message (at most `perMessage`), and each caller's promise settles
 * with that message's confirm: a durable message costs the broker the same whether it carries
 * one order or fifty. A command alone in its turn, and every command when `perMessage` is 1,
 * leaves as a PlaceOrder message whose messageId is its order id.
 */
export function createOrderCommands(publisher: ConfirmPublisher, perMessage: number): OrderCommands {
  let waiting: Waiting[] = [];

  const publishOne = (command: PlaceOrderCommand) =>
    publisher.publish(exchanges.commands, routingKeys.placeOrder, command, { messageId: command.orderId, type: messageTypes.placeOrder, mandatory: true });

  const flush = () => {
    const batch = waiting;
    waiting = [];
    if (batch.length === 0) return;
    const body: PlaceOrdersMessage = { commands: batch.map((w) => w.command) };
    const sent =
      batch.length === 1
        ? publishOne(batch[0].command)
        : publisher.publish(exchanges.commands, routingKeys.placeOrder, body, { messageId: newId(), type: messageTypes.placeOrders, mandatory: true });
    sent.then(
      () => batch.forEach((w) => w.resolve()),
      (err: Error) => batch.forEach((w) => w.reject(err)),
    );
  };

  return {
    placeOrder(command) {
      if (perMessage === 1) return publishOne(command);
      return new Promise<void>((resolve, reject) => {
        if (waiting.length === 0) setImmediate(flush);
        waiting.push({ command, resolve, reject });
        if (waiting.length >= perMessage) flush();
      });
    },
  };
}

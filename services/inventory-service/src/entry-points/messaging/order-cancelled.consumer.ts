import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { exchanges, orderEventSchema, queues, routingKeys } from '@shop/contracts';
import { ack, deadLetter, decode, declareWorkQueue, type QueueType, type Settlement } from '@shop/messaging';

export async function declareOrderCancelledQueue(channel: ConfirmChannel, queueType: QueueType): Promise<void> {
  await channel.assertExchange(exchanges.events, 'topic', { durable: true });
  await declareWorkQueue(channel, queues.inventoryOrderCancelled, { queueType });
  await channel.bindQueue(queues.inventoryOrderCancelled, exchanges.events, routingKeys.orderCancelled);
}

/** A cancelled order gives its stock back; release is idempotent, so redeliveries are harmless. */
export const handleOrderCancelled =
  (release: (input: { orderIds: string[] }) => Promise<unknown>) =>
  async (messages: ConsumeMessage[]): Promise<Settlement[]> => {
    const settlements: Settlement[] = [];
    const orderIds: string[] = [];
    for (const message of messages) {
      try {
        const { value, error } = orderEventSchema.validate(decode(message));
        if (error) settlements.push(deadLetter(`invalid order event: ${error.message}`));
        else {
          orderIds.push(value.orderId);
          settlements.push(ack);
        }
      } catch (err) {
        settlements.push(deadLetter((err as Error).message));
      }
    }
    if (orderIds.length > 0) await release({ orderIds });
    return settlements;
  };

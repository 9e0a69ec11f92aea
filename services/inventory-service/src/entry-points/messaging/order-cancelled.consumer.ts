import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { exchanges, orderEventSchema, queues, routingKeys } from '@shop/contracts';
import { ack, deadLetter, decode, declareWorkQueue, type QueueType, type Settlement } from '@shop/messaging';
import { SpanKind, startItemSpans } from '@shop/platform';

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
    const traced: Array<{ id: string; traceparent?: string }> = [];
    for (const message of messages) {
      try {
        const { value, error } = orderEventSchema.validate(decode(message));
        if (error) settlements.push(deadLetter(`invalid order event: ${error.message}`));
        else {
          orderIds.push(value.orderId);
          traced.push({ id: value.orderId, traceparent: headerText(message, 'traceparent') });
          settlements.push(ack);
        }
      } catch (err) {
        settlements.push(deadLetter((err as Error).message));
      }
    }
    if (orderIds.length === 0) return settlements;
    // The release joins each cancelled order's trace (the cancel request's, through the outbox).
    const spans = startItemSpans('release stock', traced, { idAttribute: 'order.id', kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'rabbitmq', 'messaging.operation.type': 'process' } });
    let failure: string | undefined;
    try {
      await release({ orderIds });
    } catch (err) {
      failure = (err as Error).message;
      throw err;
    } finally {
      spans.end(() => failure);
    }
    return settlements;
  };

const headerText = (message: ConsumeMessage, name: string): string | undefined => {
  const value = message.properties.headers?.[name];
  return value === undefined || value === null ? undefined : Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
};

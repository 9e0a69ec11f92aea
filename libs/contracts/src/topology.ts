import type { Channel } from 'amqplib';
import { declareWorkQueue, mechanicsExchanges, type QueueType } from '@shop/messaging';

/**
 * The order platform's topology: every exchange and queue by name, in one place so services,
 * tests and the chart agree, and the declarations every declarer of a queue must share.
 * (The retry and dead-letter mechanics, generic, are libs/messaging's.)
 */
export const exchanges = {
  commands: 'platform.commands',
  events: 'platform.events',
  ...mechanicsExchanges,
} as const;

export const queues = {
  placeOrder: 'order-management.place-order',
  orderRpc: 'order-management.rpc',
  customerRpc: 'customer-service.rpc',
  inventoryRpc: 'inventory-service.rpc',
  inventoryOrderCancelled: 'inventory-service.order-cancelled',
} as const;

export const routingKeys = {
  placeOrder: 'order.place',
  orderConfirmed: 'order.confirmed',
  orderRejected: 'order.rejected',
  orderCancelled: 'order.cancelled',
} as const;

export { deadLetterQueue } from '@shop/messaging';

/** The work queues (those with retries and a dead-letter queue), for the operator's DLQ tool. */
export const workQueues = [queues.placeOrder, queues.inventoryOrderCancelled] as const;

export async function declareExchanges(channel: Channel): Promise<void> {
  await channel.assertExchange(exchanges.commands, 'direct', { durable: true });
  await channel.assertExchange(exchanges.events, 'topic', { durable: true });
}

/**
 * The command queue as both its publisher (the gateway, so a command is routable before
 * order-management first started) and its consumer declare it. Queue arguments must match
 * exactly across declarers, or the broker refuses the second one; hence one function.
 */
export async function declarePlaceOrderTopology(channel: Channel, queueType: QueueType): Promise<void> {
  await declareExchanges(channel);
  await declareWorkQueue(channel, queues.placeOrder, { queueType });
  await channel.bindQueue(queues.placeOrder, exchanges.commands, routingKeys.placeOrder);
}

import type { Channel } from 'amqplib';
import { exchanges, queues, routingKeys } from '@shop/contracts';
import { declareExchanges, declareWorkQueue, type QueueType } from './topology';

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

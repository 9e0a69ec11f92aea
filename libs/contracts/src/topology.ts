/** Names of every exchange and queue, in one place so services, tests and the chart agree. */
export const exchanges = {
  commands: 'platform.commands',
  events: 'platform.events',
  deadLetter: 'platform.dead-letter',
  retry: 'platform.retry',
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

export const deadLetterQueue = (queue: string): string => `${queue}.dlq`;

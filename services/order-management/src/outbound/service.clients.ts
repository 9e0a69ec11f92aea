import { customerRpc, inventoryRpc, queues } from '@shop/contracts';
import type { RpcClient } from '@shop/messaging';
import type { CustomerDirectory, StockReservations } from '../domain/place-orders.use-case';

/** customer-service and inventory-service, asked over RabbitMQ request/reply, a batch per call. */
export function createServiceClients(rpc: RpcClient): { customers: CustomerDirectory; inventory: StockReservations } {
  return {
    customers: {
      getMany: async (customerIds) =>
        (await rpc.call(queues.customerRpc, customerRpc.getMany, { customerIds })).customers,
    },
    inventory: {
      reserve: async (orders) =>
        (await rpc.call(queues.inventoryRpc, inventoryRpc.reserve, { orders })).results,
      release: async (orderIds) => {
        await rpc.call(queues.inventoryRpc, inventoryRpc.release, { orderIds });
      },
    },
  };
}

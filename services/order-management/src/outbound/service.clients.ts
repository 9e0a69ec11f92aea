import { customerRpc, inventoryRpc, queues, type CustomerView, type ReservationResult } from '@shop/contracts';
import type { RpcClient } from '@shop/messaging';
import type { CustomerDirectory, StockReservations } from '../domain/place-orders.use-case';

/** customer-service and inventory-service, asked over RabbitMQ request/reply, a batch per call. */
export function createServiceClients(rpc: RpcClient): { customers: CustomerDirectory; inventory: StockReservations } {
  return {
    customers: {
      getMany: async (customerIds) =>
        (await rpc.call<{ customers: CustomerView[] }>(queues.customerRpc, customerRpc.getMany.name, { customerIds })).customers,
    },
    inventory: {
      reserve: async (orders) =>
        (await rpc.call<{ results: ReservationResult[] }>(queues.inventoryRpc, inventoryRpc.reserve.name, { orders })).results,
      release: async (orderIds) => {
        await rpc.call(queues.inventoryRpc, inventoryRpc.release.name, { orderIds });
      },
    },
  };
}

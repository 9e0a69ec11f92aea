import { customerRpc, inventoryRpc, orderRpc, queues } from '@shop/contracts';
import type { RpcClient } from '@shop/messaging';
import type { CustomerService, InventoryService, OrderService } from '../domain/upstream';

/** Each method is one request/reply on the owning service's queue; the reply types are the contracts'. */
export const createOrderService = (rpc: RpcClient): OrderService => ({
  claimIdempotencyKey: (claim) => rpc.call(queues.orderRpc, orderRpc.claimIdempotencyKey.name, claim),
  get: (input) => rpc.call(queues.orderRpc, orderRpc.get.name, input),
  list: (input) => rpc.call(queues.orderRpc, orderRpc.list.name, input),
  cancel: (input) => rpc.call(queues.orderRpc, orderRpc.cancel.name, input),
  cancelUnrecorded: (input) => rpc.call(queues.orderRpc, orderRpc.cancelUnrecorded.name, input),
});

export const createInventoryService = (rpc: RpcClient): InventoryService => ({
  getProduct: (input) => rpc.call(queues.inventoryRpc, inventoryRpc.getProduct.name, input),
  listProducts: (input) => rpc.call(queues.inventoryRpc, inventoryRpc.listProducts.name, input),
  createProduct: (input) => rpc.call(queues.inventoryRpc, inventoryRpc.createProduct.name, input),
  updateProduct: (input) => rpc.call(queues.inventoryRpc, inventoryRpc.updateProduct.name, input),
});

export const createCustomerService = (rpc: RpcClient): CustomerService => ({
  getMany: (input) => rpc.call(queues.customerRpc, customerRpc.getMany.name, input),
  create: (input) => rpc.call(queues.customerRpc, customerRpc.create.name, input),
  update: (input) => rpc.call(queues.customerRpc, customerRpc.update.name, input),
});

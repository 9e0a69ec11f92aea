import { customerRpc, inventoryRpc, orderRpc, queues } from '@shop/contracts';
import type { RpcClient } from '@shop/messaging';
import type { CustomerService, InventoryService, OrderService } from '../domain/upstream';

/** Each method is one request/reply on the owning service's queue; each reply is checked against the contracts' before it is returned. */
export const createOrderService = (rpc: RpcClient): OrderService => ({
  claimIdempotencyKey: (claim) => rpc.call(queues.orderRpc, orderRpc.claimIdempotencyKey, claim),
  get: (input) => rpc.call(queues.orderRpc, orderRpc.get, input),
  list: (input) => rpc.call(queues.orderRpc, orderRpc.list, input),
  cancel: (input) => rpc.call(queues.orderRpc, orderRpc.cancel, input),
  cancelUnrecorded: (input, trace) => rpc.call(queues.orderRpc, orderRpc.cancelUnrecorded, input, undefined, trace),
});

export const createInventoryService = (rpc: RpcClient): InventoryService => ({
  getProduct: (input) => rpc.call(queues.inventoryRpc, inventoryRpc.getProduct, input),
  listProducts: (input) => rpc.call(queues.inventoryRpc, inventoryRpc.listProducts, input),
  createProduct: (input) => rpc.call(queues.inventoryRpc, inventoryRpc.createProduct, input),
  updateProduct: (input) => rpc.call(queues.inventoryRpc, inventoryRpc.updateProduct, input),
});

export const createCustomerService = (rpc: RpcClient): CustomerService => ({
  getMany: (input) => rpc.call(queues.customerRpc, customerRpc.getMany, input),
  create: (input) => rpc.call(queues.customerRpc, customerRpc.create, input),
  update: (input) => rpc.call(queues.customerRpc, customerRpc.update, input),
});

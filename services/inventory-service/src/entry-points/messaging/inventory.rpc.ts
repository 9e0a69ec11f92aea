import { inventoryRpc } from '@shop/contracts';
import { rpcMethod } from '@shop/messaging';
import type { ReservationRequest } from '../../domain/allocate';

interface UseCases {
  reserve: (input: { orders: ReservationRequest[] }) => Promise<unknown>;
  release: (input: { orderIds: string[] }) => Promise<unknown>;
  products: {
    get: (input: { productId: string }) => Promise<unknown>;
    list: (input: { limit: number; cursor?: string }) => Promise<unknown>;
    create: (input: { name: string; price: number; stock: number }) => Promise<unknown>;
    update: (input: { productId: string; price?: number; stock?: number }) => Promise<unknown>;
  };
}

export const inventoryRpcMethods = (useCases: UseCases) => [
  rpcMethod(inventoryRpc.reserve, useCases.reserve),
  rpcMethod(inventoryRpc.release, useCases.release),
  rpcMethod(inventoryRpc.getProduct, useCases.products.get),
  rpcMethod(inventoryRpc.listProducts, useCases.products.list),
  rpcMethod(inventoryRpc.createProduct, useCases.products.create),
  rpcMethod(inventoryRpc.updateProduct, useCases.products.update),
];

import { customerRpc } from '@shop/contracts';
import { rpcMethod } from '@shop/messaging';
import type { CustomerUseCases } from '../../domain/customer.use-cases';

export const customerRpcMethods = (useCases: CustomerUseCases) => [
  rpcMethod(customerRpc.getMany, useCases.getMany),
  rpcMethod(customerRpc.create, useCases.create),
  rpcMethod(customerRpc.update, useCases.update),
];

import { orderRpc } from '@shop/contracts';
import { rpcMethod } from '@shop/messaging';
import type { createCancelOrder, createCancelUnrecordedOrder } from '../../domain/cancel-order.use-case';
import type { createClaimIdempotencyKey } from '../../domain/claim-idempotency-key.use-case';
import type { createOrderQueries } from '../../domain/order-queries.use-cases';

export const orderRpcMethods = (
  queries: ReturnType<typeof createOrderQueries>,
  cancel: ReturnType<typeof createCancelOrder>,
  cancelUnrecorded: ReturnType<typeof createCancelUnrecordedOrder>,
  claimIdempotencyKey: ReturnType<typeof createClaimIdempotencyKey>,
) => [
  rpcMethod(orderRpc.get, queries.get),
  rpcMethod(orderRpc.list, queries.list),
  rpcMethod(orderRpc.cancel, cancel),
  rpcMethod(orderRpc.cancelUnrecorded, cancelUnrecorded),
  rpcMethod(orderRpc.claimIdempotencyKey, claimIdempotencyKey),
];

import type { Caller, OrderLine, PlaceOrderCommand, ShippingAddress } from '@shop/contracts';
import { idempotencyKeyReused } from './gateway.errors';
import { requestHash } from './request-hash';
import type { OrderCommands, OrderService, TraceContext } from './upstream';

export interface PlaceOrderInput {
  caller: Caller;
  items: OrderLine[];
  shippingAddress?: ShippingAddress;
  idempotencyKey?: string;
  /** The accepting request's trace context: the command continues it. */
  trace?: TraceContext;
}

export interface PlaceOrderDeps {
  commands: OrderCommands;
  idempotency: Pick<OrderService, 'claimIdempotencyKey'>;
  clock: { now(): Date };
  /** Mints an order id for a customer (order-ids.ts). */
  ids: { mint(customerId: string): string };
}

/**
 * Accepts an order by publishing a PlaceOrder command; the order exists for the client only once
 * the broker confirmed it. With an Idempotency-Key, order-management decides the order id, so
 * retries through any gateway process converge on one order.
 */
export function createPlaceOrder({ commands, idempotency, clock, ids }: PlaceOrderDeps) {
  const orderIdFor = async ({ caller, items, shippingAddress, idempotencyKey }: PlaceOrderInput): Promise<string> => {
    if (idempotencyKey === undefined) return ids.mint(caller.customerId);
    const hash = requestHash({ items, shippingAddress });
    const claimed = await idempotency.claimIdempotencyKey({
      customerId: caller.customerId,
      key: idempotencyKey,
      requestHash: hash,
      orderId: ids.mint(caller.customerId),
    });
    if (claimed.requestHash !== hash) throw idempotencyKeyReused();
    return claimed.orderId;
  };

  return async (input: PlaceOrderInput): Promise<{ orderId: string }> => {
    const orderId = await orderIdFor(input);
    // Published again on a repeated key too: the first attempt may have died before its confirm,
    // and order-management ignores a command for an order id it already holds.
    const command: PlaceOrderCommand = {
      orderId,
      customerId: input.caller.customerId,
      items: input.items,
      ...(input.shippingAddress ? { shippingAddress: input.shippingAddress } : {}),
      acceptedAt: clock.now().toISOString(),
    };
    await commands.placeOrder(command, input.trace);
    return { orderId };
  };
}

export type PlaceOrder = ReturnType<typeof createPlaceOrder>;

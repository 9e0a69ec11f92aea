import type { Caller } from '@shop/contracts';
import type { Transactional } from '@shop/platform';
import { canSee, type Order, type OrderRepository, type Outbox } from './order';
import { notCancellable, orderNotFound } from './order.errors';
import { orderEvent } from './order-events';

const cancellable = new Set(['PENDING', 'CONFIRMED']);

/**
 * Cancels under a row lock and emits order.cancelled through the outbox; inventory releases the
 * stock when it receives the event (or marks the order released if the reserve has not come yet).
 */
export function createCancelOrder({ transaction, orders, outbox, onCancelled }: {
  transaction: Transactional;
  orders: OrderRepository;
  outbox: Outbox;
  /** Called after commit with the cancelled order and its outbox ids. */
  onCancelled?: (order: Order, outboxIds: string[]) => void;
}) {
  return async ({ orderId, caller }: { orderId: string; caller: Caller }): Promise<Order> => {
    const { cancelled, outboxIds } = await transaction(async (tx) => {
      const order = await orders.find(tx, orderId, true);
      if (!order || !canSee(caller, order)) throw orderNotFound();
      if (!cancellable.has(order.status)) throw notCancellable(order.status);
      const updated = await orders.setStatus(tx, orderId, 'CANCELLED');
      const outboxIds = await outbox.append(tx, [orderEvent(updated)]);
      return { cancelled: updated, outboxIds };
    });
    onCancelled?.(cancelled, outboxIds);
    return cancelled;
  };
}

/**
 * A cancel that overtook its order: the gateway vouched that the id was accepted for this
 * customer, but the command has not been recorded. The order is recorded CANCELLED at once with
 * its event, so inventory marks it released and a reserve arriving later holds nothing; the
 * command, when it comes, finds the id taken and leaves it CANCELLED. If the order was recorded
 * meanwhile, this is an ordinary cancel.
 */
export function createCancelUnrecordedOrder({ transaction, orders, outbox, currency, cancel, onCancelled }: {
  transaction: Transactional;
  orders: OrderRepository;
  outbox: Outbox;
  currency: string;
  cancel: ReturnType<typeof createCancelOrder>;
  onCancelled?: (order: Order, outboxIds: string[]) => void;
}) {
  return async ({ orderId, customerId, acceptedAt }: { orderId: string; customerId: string; acceptedAt: string }): Promise<Order> => {
    const recorded = await transaction(async (tx) => {
      const cancelled = await orders.insertCancelled(tx, { orderId, customerId, acceptedAt }, currency);
      return cancelled && { cancelled, outboxIds: await outbox.append(tx, [orderEvent(cancelled)]) };
    });
    if (!recorded) return cancel({ orderId, caller: { customerId, role: 'customer' } });
    onCancelled?.(recorded.cancelled, recorded.outboxIds);
    return recorded.cancelled;
  };
}

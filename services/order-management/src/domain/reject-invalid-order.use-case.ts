import type { PlaceOrderCommand } from '@shop/contracts';
import type { Transactional } from '@shop/platform';
import { decidedOrder, invalidOrder } from './decide-order';
import type { DecidedOrder, Decision, OrderRepository, Outbox } from './order';
import { orderEvent } from './order-events';
import type { StockReservations } from './place-orders.use-case';
import { toPending } from './place-orders.use-case';

interface Deps {
  transaction: Transactional;
  orders: OrderRepository;
  outbox: Outbox;
  inventory: Pick<StockReservations, 'release'>;
  onDecided?: (orders: DecidedOrder[], outboxIds: string[]) => void;
}

/** `rejected`: the order is final now; `not-stored`: it has no row, so only its command can be kept. */
export type InvalidOrderOutcome = 'rejected' | 'not-stored';

/**
 * Ends an order whose own data failed the saga where the rest of its batch passed: REJECTED with
 * INVALID_ORDER and its event, so the client that was told "accepted" reads a final state. An
 * order that could not even be recorded has nothing to reject; its command is dead-lettered.
 */
export function createRejectInvalidOrder({ transaction, orders, outbox, inventory, onDecided }: Deps) {
  return async (command: PlaceOrderCommand): Promise<InvalidOrderOutcome> => {
    const order = await transaction((tx) => orders.find(tx, command.orderId));
    if (!order) return 'not-stored';
    if (order.status !== 'PENDING') return 'rejected';
    // Release before deciding: a pass that failed after inventory answered may hold stock. If the
    // process stops in between, the redelivered order reads RELEASED and decideOrder rejects it.
    await inventory.release([command.orderId]);
    const decision: Decision = { orderId: command.orderId, status: 'REJECTED', rejection: invalidOrder, customerName: null, customerEmail: null };
    const { changed, outboxIds } = await transaction(async (tx) => {
      const updatedAt = await orders.decide(tx, [decision]);
      const at = updatedAt.get(command.orderId);
      const changed = at ? [decidedOrder(toPending(command), decision, at, order.currency)] : [];
      return { changed, outboxIds: await outbox.append(tx, changed.map(orderEvent)) };
    });
    onDecided?.(changed, outboxIds);
    return 'rejected';
  };
}

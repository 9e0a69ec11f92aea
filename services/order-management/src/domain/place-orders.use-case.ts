import type { CustomerView, PlaceOrderCommand, ReservationResult } from '@shop/contracts';
import type { Transactional } from '@shop/platform';
import { customerRejection, decidedOrder, decideOrder } from './decide-order';
import type { DecidedOrder, Decision, OrderRepository, Outbox, PendingOrder } from './order';
import { orderEvent } from './order-events';

export interface CustomerDirectory {
  getMany(customerIds: string[]): Promise<CustomerView[]>;
}

export interface StockReservations {
  reserve(orders: Array<Pick<PendingOrder, 'orderId' | 'items'>>): Promise<ReservationResult[]>;
  /** Gives back what the orders hold; an order never reserved can no longer be. */
  release(orderIds: string[]): Promise<void>;
}

/**
 * Names a saga step and the orders it works for (tracing attributes each step to each order); the
 * default runs the step as it is. `failureOf` marks the orders the step failed (e.g. rejected).
 */
export interface SagaSteps {
  step<T>(name: string, orderIds: string[], work: () => Promise<T>, failureOf?: (orderId: string) => string | undefined): Promise<T>;
}
export const untracedSteps: SagaSteps = { step: (_name, _orderIds, work) => work() };

interface Deps {
  transaction: Transactional;
  orders: OrderRepository;
  outbox: Outbox;
  customers: CustomerDirectory;
  inventory: StockReservations;
  currency: string;
  /** Called after commit with the orders this batch moved to a final state and their outbox ids. */
  onDecided?: (orders: DecidedOrder[], outboxIds: string[]) => void;
  /** Runs inside the decision transaction just before it commits (the fault suite crashes here). */
  beforeCommit?: () => void;
  steps?: SagaSteps;
}

export const toPending = (c: PlaceOrderCommand): PendingOrder => ({
  orderId: c.orderId,
  customerId: c.customerId,
  items: c.items,
  shippingAddress: c.shippingAddress ?? null,
  acceptedAt: c.acceptedAt,
});

/**
 * The order saga for a batch of PlaceOrder commands: record PENDING, check the customers, reserve
 * stock, then store every decision with its event in one transaction. Each step is idempotent on
 * the order id, so a batch redelivered after a crash at any point ends in the same state.
 */
export function createPlaceOrders({ transaction, orders, outbox, customers, inventory, currency, onDecided, beforeCommit, steps = untracedSteps }: Deps) {
  const ids = (list: Array<{ orderId: string }>) => list.map((o) => o.orderId);
  return async (commands: PlaceOrderCommand[]): Promise<void> => {
    const unique = [...new Map(commands.map((c) => [c.orderId, toPending(c)])).values()];
    const pendingIds = await steps.step('record pending', ids(unique), () => transaction((tx) => orders.recordPending(tx, unique, currency)));
    const pending = unique.filter((o) => pendingIds.has(o.orderId));
    if (pending.length === 0) return;
    const pendingById = new Map(pending.map((o) => [o.orderId, o]));

    const found = await steps.step('check customers', ids(pending), () => customers.getMany([...new Set(pending.map((o) => o.customerId))]));
    const customerById = new Map(found.map((c) => [c.customerId, c]));
    const decisions: Decision[] = [];
    const toReserve: PendingOrder[] = [];
    for (const order of pending) {
      const customer = customerById.get(order.customerId);
      const rejection = customerRejection(customer);
      if (!rejection) toReserve.push(order);
      else {
        decisions.push({ orderId: order.orderId, status: 'REJECTED', rejection, customerName: customer?.name ?? null, customerEmail: customer?.email ?? null });
      }
    }

    if (toReserve.length > 0) {
      const results = await steps.step('reserve stock', ids(toReserve), () => inventory.reserve(toReserve.map(({ orderId, items }) => ({ orderId, items }))));
      toReserve.forEach((order, i) => {
        decisions.push(decideOrder(order, customerById.get(order.customerId)!, results[i]));
      });
    }

    const rejections = new Map(decisions.flatMap((d) => (d.status === 'REJECTED' ? [[d.orderId, `REJECTED: ${d.rejection.code}`] as const] : [])));
    const decide = () =>
      transaction(async (tx) => {
        const updatedAt = await orders.decide(tx, decisions);
        const changed = decisions
          .filter((d) => updatedAt.has(d.orderId))
          .map((d) => decidedOrder(pendingById.get(d.orderId)!, d, updatedAt.get(d.orderId)!, currency));
        const outboxIds = await outbox.append(tx, changed.map(orderEvent));
        beforeCommit?.();
        return { changed, outboxIds };
      });
    // The decisive step: a rejected order's span ends in ERROR with its reason.
    const { changed, outboxIds } = await steps.step('decide and commit', ids(decisions), decide, (orderId) => rejections.get(orderId));
    onDecided?.(changed, outboxIds);
  };
}

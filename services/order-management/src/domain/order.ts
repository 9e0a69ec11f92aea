import type { Caller, OrderLine, OrderView, PricedLine, Rejection, ShippingAddress } from '@shop/contracts';
import type { Tx } from '@shop/platform';

export type Order = OrderView;

/** Who may see (and so read or cancel) an order: an admin, or the customer who placed it. */
export const canSee = (caller: Caller, order: Pick<Order, 'customerId'>): boolean => caller.role === 'admin' || order.customerId === caller.customerId;

/** What an event and the metrics need of an order that reached a final state. */
export type DecidedOrder = Pick<Order, 'orderId' | 'customerId' | 'status' | 'total' | 'currency' | 'items' | 'rejectionReason' | 'acceptedAt' | 'updatedAt'>;

/** An order as accepted, before the saga decided it. */
export interface PendingOrder {
  orderId: string;
  customerId: string;
  items: OrderLine[];
  shippingAddress: ShippingAddress | null;
  acceptedAt: string;
}

export type Decision =
  | {
      orderId: string;
      status: 'CONFIRMED';
      items: PricedLine[];
      total: number;
      currency: string;
      customerName: string;
      customerEmail: string;
      shippingAddress: ShippingAddress | null;
    }
  | { orderId: string; status: 'REJECTED'; rejection: Rejection; customerName: string | null; customerEmail: string | null };

export interface OrderEventRecord {
  messageId: string;
  routingKey: string;
  type: string;
  payload: unknown;
}

export interface OrderRepository {
  /**
   * Records new orders as PENDING (a known id is left as it is) and returns the ids that are
   * PENDING now: the new ones and those an earlier attempt recorded but did not decide.
   */
  recordPending(tx: Tx, orders: PendingOrder[], currency: string): Promise<Set<string>>;
  /** Applies decisions to orders still PENDING; returns the ids it changed with their update time. */
  decide(tx: Tx, decisions: Decision[]): Promise<Map<string, string>>;
  find(tx: Tx, orderId: string, forUpdate?: boolean): Promise<Order | undefined>;
  listForCustomer(tx: Tx, query: { customerId: string; status?: string; limit: number; beforeId?: string }): Promise<Order[]>;
  setStatus(tx: Tx, orderId: string, status: Order['status']): Promise<Order>;
  /** Records an order as CANCELLED before its command arrived; undefined if the id is known already. */
  insertCancelled(tx: Tx, order: { orderId: string; customerId: string; acceptedAt: string }, currency: string): Promise<Order | undefined>;
  /** A key older than retentionS is expired: claiming it again starts over. */
  claimIdempotencyKey(
    tx: Tx,
    claim: { customerId: string; key: string; requestHash: string; orderId: string },
    retentionS: number,
  ): Promise<{ orderId: string; requestHash: string }>;
  /** Deletes at most `limit` keys older than retentionS; returns how many. */
  deleteExpiredIdempotencyKeys(tx: Tx, retentionS: number, limit: number): Promise<number>;
}

export interface Outbox {
  /** Stores the events with the transaction; returns their outbox ids, for relaying right after commit. */
  append(tx: Tx, events: OrderEventRecord[]): Promise<string[]>;
}

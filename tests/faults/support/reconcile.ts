import { Client } from 'pg';
import { parseDatabaseUrl, primaryClient } from '@shop/platform';
import { profileEnv, type Profile } from '@shop/test-kit';
import type { RequestRecord } from './traffic';

const terminal = new Set(['CONFIRMED', 'REJECTED', 'CANCELLED']);

/** A client of the service's database; with several hosts (the HA profile), of the primary. */
function clientOf(service: string, profile: Profile): Client {
  const address = parseDatabaseUrl(profileEnv(profile, service).DATABASE_URL);
  const Connect = address.hosts.length > 1 ? primaryClient(address.hosts) : Client;
  return new Connect({ connectionString: address.url });
}

async function withDb<T>(service: string, work: (db: Client) => Promise<T>, profile: Profile = 'test'): Promise<T> {
  const db = clientOf(service, profile);
  await db.connect();
  try {
    return await work(db);
  } finally {
    await db.end();
  }
}

export interface OrderRow {
  id: string;
  customer_id: string;
  status: string;
  items: Array<{ productId: string; quantity: number }>;
  updated_at: Date;
}

export const ordersOf = (customerIds: string[], profile: Profile = 'test') =>
  withDb(
    'order-management',
    async (db) => (await db.query<OrderRow>(`SELECT id, customer_id, status, items, updated_at FROM orders WHERE customer_id = ANY($1::uuid[])`, [customerIds])).rows,
    profile,
  );

/** Waits until every order of the run's customers is out of PENDING (or the deadline passes). */
export async function waitUntilIdle(customerIds: string[], expected: number, timeoutMs = 120_000, profile: Profile = 'test'): Promise<OrderRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await ordersOf(customerIds, profile);
    if ((rows.length >= expected && rows.every((r) => terminal.has(r.status))) || Date.now() > deadline) return rows;
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface Reconciliation {
  requests: number;
  accepted: number;
  refused: number;
  unknown: number;
  lost: number;
  duplicated: number;
  oversold: number;
  stockMismatches: number;
  notTerminal: number;
  confirmed: number;
  rejected: number;
  /**
   * For each order no accepted request accounts for: the answers to the requests of its customer
   * that carried the same items and were not accepted (what the client was told instead).
   */
  unaccounted: Array<{ orderId: string; status: string; answers: Array<Pick<RequestRecord, 'outcome' | 'status' | 'code' | 'sentAt' | 'answeredAt'>> }>;
}

const lineKey = (lines: Array<{ productId: string; quantity: number }>) =>
  lines.map((l) => `${l.productId}x${l.quantity}`).sort().join(',');
const sameItems = (a: Array<{ productId: string; quantity: number }>, b: Array<{ productId: string; quantity: number }>) => lineKey(a) === lineKey(b);

/**
 * lost: accepted ids with no terminal order; duplicated: orders of the run's customers that no
 * accepted request accounts for (a second order for one request, or one never accepted);
 * oversold: products whose available stock went negative or whose reserved count differs from
 * what the run's CONFIRMED orders hold (on-hand minus available must equal live reservations).
 */
export async function reconcile(records: RequestRecord[], customerIds: string[], products: Map<string, number>, profile: Profile = 'test'): Promise<Reconciliation> {
  const accepted = records.filter((r) => r.outcome === 'accepted');
  const acceptedIds = new Set(accepted.map((r) => r.orderId!));
  const rows = await waitUntilIdle(customerIds, acceptedIds.size, 120_000, profile);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const held = new Map<string, number>();
  for (const row of rows.filter((r) => r.status === 'CONFIRMED')) {
    for (const line of row.items) held.set(line.productId, (held.get(line.productId) ?? 0) + line.quantity);
  }
  const stock = await withDb('inventory-service', async (db) =>
    (await db.query<{ id: string; on_hand: number; reserved: number; live: string }>(
      `SELECT p.id, p.on_hand, p.reserved,
              COALESCE((SELECT sum(l.quantity) FROM reservation_lines l JOIN reservations r USING (order_id)
                        WHERE l.product_id = p.id AND r.status = 'RESERVED'), 0) AS live
       FROM products p WHERE p.id = ANY($1::uuid[])`,
      [[...products.keys()]],
    )).rows,
    profile,
  );
  return {
    requests: records.length,
    accepted: accepted.length,
    refused: records.filter((r) => r.outcome === 'refused').length,
    unknown: records.filter((r) => r.outcome === 'unknown').length,
    lost: [...acceptedIds].filter((id) => !byId.has(id) || !terminal.has(byId.get(id)!.status)).length,
    duplicated: rows.filter((r) => !acceptedIds.has(r.id)).length + (accepted.length - acceptedIds.size),
    oversold: stock.filter((s) => s.reserved > s.on_hand || s.reserved !== (held.get(s.id) ?? 0)).length,
    stockMismatches: stock.filter((s) => Number(s.live) !== s.reserved || s.on_hand !== products.get(s.id)).length,
    notTerminal: rows.filter((r) => !terminal.has(r.status)).length,
    confirmed: rows.filter((r) => r.status === 'CONFIRMED').length,
    rejected: rows.filter((r) => r.status === 'REJECTED').length,
    unaccounted: rows
      .filter((r) => !acceptedIds.has(r.id))
      .map((r) => ({
        orderId: r.id,
        status: r.status,
        answers: records
          .filter((q) => q.outcome !== 'accepted' && customerIds[q.customer] === r.customer_id && sameItems(q.body.items, r.items))
          .map(({ outcome, status, code, sentAt, answeredAt }) => ({ outcome, status, code, sentAt, answeredAt })),
      })),
  };
}

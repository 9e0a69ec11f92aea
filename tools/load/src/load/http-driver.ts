import type { Pool } from 'undici';
import type { RunCustomer } from './run-customers';
import type { OrderBody } from './order-mix';
import { epochMs, type LoadCounters } from './load-counters';

export interface DriveOptions {
  pool: Pool;
  /** '/v1/orders' (202 expected) or '/v1/orders/validate' (200 expected). */
  path: string;
  expectStatus: number;
  /** Stop after this many requests or this long, whichever comes first. */
  orders: number;
  durationMs: number;
  /** Orders per second, open loop; undefined runs closed loop as fast as `concurrency` allows. */
  rate?: number;
  concurrency: number;
  customers: RunCustomer[];
  nextOrder: () => OrderBody;
  counters: LoadCounters;
  /** An accepted order, with the epoch ms its 202 arrived. */
  onAccepted?: (orderId: string, customer: number, arrivedAt: number) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends the orders and resolves when every request has been answered (or has failed). */
export async function drive(options: DriveOptions): Promise<void> {
  const { pool, path, expectStatus, counters, customers, rate } = options;
  const started = epochMs();
  counters.startedAt = started;
  const budgetLeft = () => counters.sent < options.orders && epochMs() - started < options.durationMs;

  // `since` is when the request should have gone out: in open loop that is its slot in the
  // schedule, so a stalled server shows up as latency instead of silently lowering the rate
  // (coordinated omission).
  const send = async (since: number) => {
    const customer = counters.sent++ % customers.length;
    try {
      const res = await pool.request({
        method: 'POST',
        path,
        headers: { authorization: `Bearer ${customers[customer].token}`, 'content-type': 'application/json' },
        body: JSON.stringify(options.nextOrder()),
      });
      const text = await res.body.text();
      const arrived = epochMs();
      if (res.statusCode !== expectStatus) return counters.refuse(String(res.statusCode));
      counters.acceptance.record(arrived - since);
      counters.accepted++;
      counters.lastAcceptedAt = arrived;
      if (options.onAccepted) options.onAccepted((JSON.parse(text) as { orderId: string }).orderId, customer, arrived);
    } catch (err) {
      counters.refuse((err as { code?: string }).code ?? (err as Error).name);
    }
  };

  if (rate === undefined) {
    const worker = async () => {
      while (budgetLeft()) await send(epochMs());
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    return;
  }

  const inFlight = new Set<Promise<void>>();
  for (let i = 0; budgetLeft(); i++) {
    const due = started + (i * 1000) / rate;
    const ahead = due - epochMs();
    if (ahead > 1) await sleep(ahead);
    // The concurrency cap still holds in open loop: it is the client's connection pool.
    while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
    const request = send(due).finally(() => inFlight.delete(request));
    inFlight.add(request);
  }
  await Promise.all(inFlight);
}

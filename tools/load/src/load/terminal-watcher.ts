import type { Pool as PgPool } from 'pg';
import type { LoadCounters } from './load-counters';

interface DecidedRow {
  id: string;
  status: 'CONFIRMED' | 'REJECTED' | 'CANCELLED';
  decided_at: number;
}

/**
 * Follows accepted orders to their final state by asking the orders database in bulk, oldest
 * first: one indexed query per few thousand orders costs the system under test far less than a
 * GET per order. End-to-end latency is orders.updated_at (set in the deciding transaction) minus
 * the moment the 202 arrived here, so the poll interval does not blur it; both clocks are this
 * machine's.
 */
export class TerminalWatcher {
  private readonly outstanding = new Map<string, number>();
  private running = false;
  private loop?: Promise<void>;
  /** Orders decided before their 202 reached us (possible: the reply races the consumer). */
  decidedBeforeReply = 0;
  pollErrors = 0;

  constructor(
    private readonly db: PgPool,
    private readonly counters: LoadCounters,
    private readonly options: { windowSize?: number; chunkSize?: number; intervalMs?: number } = {},
  ) {}

  get pending(): number {
    return this.outstanding.size;
  }

  add(orderId: string, arrivedAt: number): void {
    this.outstanding.set(orderId, arrivedAt);
  }

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        // A database restart mid-run (other people's fault tests do that) must not end the
        // watch: the orders are still there when it is back.
        await this.poll().catch(() => this.pollErrors++);
        await new Promise((resolve) => setTimeout(resolve, this.options.intervalMs ?? 250));
      }
    })();
  }

  /** Waits until nothing is outstanding or the timeout passes; returns the ids still open. */
  async drain(timeoutMs: number): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.outstanding.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    this.running = false;
    await this.loop;
    if (this.outstanding.size > 0) await this.poll().catch(() => this.pollErrors++);
    return [...this.outstanding.keys()];
  }

  private async poll(): Promise<void> {
    const chunkSize = this.options.chunkSize ?? 5000;
    // Map iteration is insertion order, so the window is the oldest orders: those due first.
    const window: string[] = [];
    for (const id of this.outstanding.keys()) {
      if (window.length >= (this.options.windowSize ?? 20_000)) break;
      window.push(id);
    }
    for (let i = 0; i < window.length; i += chunkSize) {
      const { rows } = await this.db.query<DecidedRow>(
        `SELECT id, status, extract(epoch FROM updated_at)::float8 * 1000 AS decided_at
         FROM orders WHERE id = ANY($1::uuid[]) AND status <> 'PENDING'`,
        [window.slice(i, i + chunkSize)],
      );
      for (const row of rows) this.settle(row);
    }
  }

  private settle(row: DecidedRow): void {
    const arrivedAt = this.outstanding.get(row.id);
    if (arrivedAt === undefined) return;
    this.outstanding.delete(row.id);
    const latency = row.decided_at - arrivedAt;
    if (latency < 0) this.decidedBeforeReply++;
    this.counters.endToEnd.record(Math.max(0, latency));
    this.counters.lastTerminalAt = Math.max(this.counters.lastTerminalAt, row.decided_at);
    if (row.status === 'CONFIRMED') this.counters.confirmed++;
    else if (row.status === 'REJECTED') this.counters.rejected++;
    else this.counters.cancelled++;
  }
}

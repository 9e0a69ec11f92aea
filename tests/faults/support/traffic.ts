import { randomUUID } from 'node:crypto';

export type Outcome = 'accepted' | 'refused' | 'unknown';

export interface RequestRecord {
  key: string;
  customer: number;
  body: { items: Array<{ productId: string; quantity: number }> };
  outcome: Outcome;
  status?: number;
  /** The problem's code of an error answer. */
  code?: string;
  orderId?: string;
  sentAt: number;
  answeredAt: number;
}

export interface TrafficOptions {
  baseUrl: string;
  tokens: string[];
  productIds: string[];
  /** Requests per second, open loop: a slow system does not slow the sender down. */
  rate: number;
  count: number;
  timeoutMs?: number;
  /** Filled as requests go out, so a fault can look at what was sent so far. */
  records?: RequestRecord[];
}

/**
 * The orders' products and quantities come from a seeded generator (mulberry32): TRAFFIC_SEED
 * replays a run's traffic (the seed is printed once per process). Timing still varies by run.
 */
export const trafficSeed = Number(process.env.TRAFFIC_SEED ?? Date.now() % 2 ** 31);
process.stdout.write(`fault traffic: TRAFFIC_SEED=${trafficSeed}\n`);
/** A seeded generator of numbers in [0, 1) (mulberry32), for runs that can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seededRandom(trafficSeed);
const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];

function randomOrder(productIds: string[]) {
  const lines = 1 + Math.floor(random() * 3);
  const chosen = [...new Set(Array.from({ length: lines }, () => pick(productIds)))];
  return { items: chosen.map((productId) => ({ productId, quantity: 1 + Math.floor(random() * 3) })) };
}

/** Every request carries an Idempotency-Key, so an unknown outcome can be asked again later. */
export async function send(baseUrl: string, token: string, key: string, body: unknown, timeoutMs: number) {
  try {
    const response = await fetch(`${baseUrl}/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const reply = (await response.json().catch(() => ({}))) as { orderId?: string; code?: string };
    // A 503 is a refusal only when the gateway says which one and it is not publish-unconfirmed
    // (a body lost on the way says nothing).
    const definite = response.status < 500 || (response.status === 503 && reply.code !== undefined && reply.code !== 'publish-unconfirmed');
    const outcome: Outcome = response.status === 202 ? 'accepted' : definite ? 'refused' : 'unknown';
    return { outcome, status: response.status, code: reply.code, orderId: reply.orderId };
  } catch {
    return { outcome: 'unknown' as const };
  }
}

/**
 * Orders leave in bursts of this many at once, so the gateway packs several into one PlaceOrders
 * message and the faults hit batched messages as well as single ones.
 */
const BURST = 4;

/** Sends `count` orders at `rate` per second and records what each request's sender knows. */
export async function runTraffic(options: TrafficOptions): Promise<RequestRecord[]> {
  const { baseUrl, tokens, productIds, rate, count, timeoutMs = 3000, records = [] } = options;
  const inFlight: Array<Promise<void>> = [];
  const start = Date.now();
  for (let i = 0; i < count; i += 1) {
    const due = start + (Math.floor(i / BURST) * BURST * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const customer = i % tokens.length;
    const record: RequestRecord = { key: randomUUID(), customer, body: randomOrder(productIds), outcome: 'unknown', sentAt: Date.now(), answeredAt: 0 };
    records.push(record);
    inFlight.push(
      send(baseUrl, tokens[customer], record.key, record.body, timeoutMs).then((result) => {
        Object.assign(record, result, { answeredAt: Date.now() });
      }),
    );
  }
  await Promise.all(inFlight);
  return records;
}

/**
 * A client that got no answer asks again with the same key once the system is back; the answer
 * tells whether the first attempt created an order. Without this, "unknown" would hide losses.
 */
export async function resolveUnknown(baseUrl: string, tokens: string[], records: RequestRecord[]): Promise<number> {
  let resolved = 0;
  for (const record of records.filter((r) => r.outcome === 'unknown')) {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const result = await send(baseUrl, tokens[record.customer], record.key, record.body, 5000);
      if (result.outcome === 'accepted') {
        Object.assign(record, { outcome: 'accepted', orderId: result.orderId, status: 202 });
        resolved += 1;
        break;
      }
      if (result.outcome === 'refused' && result.status !== 503) break;
      // 503 again: the system is not back yet; keep asking with the same key.
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  return resolved;
}

import type { Pool } from 'undici';
import { LatencyRecorder, type LatencySummary } from '../report/latency-recorder';
import { requestJson } from './http-client';

export interface ReadLatency {
  getOrder: LatencySummary;
  firstPage: LatencySummary;
  /** Both kinds of read during the warm-up, not part of the figures above. */
  warmup: LatencySummary;
  errors: number;
}

/** Unmeasured reads first: the write load never ran the read path, so it is not compiled yet. */
export const READ_WARMUP = 500;

/**
 * With the run's rows in place: GET /v1/orders/{id} for random accepted orders and the first page
 * of random customers' orders, each as its owner. Closed loop at low concurrency, so the figures
 * are service times rather than queueing under load. `READ_WARMUP` reads (half of each kind) go
 * first and are reported apart, as every load phase of the bench follows a warm-up.
 */
export async function measureReads(
  pool: Pool,
  accepted: Map<string, string>,
  tokens: Map<string, string>,
  samples: number,
  concurrency = 4,
): Promise<ReadLatency> {
  const orderIds = [...accepted.keys()];
  const customerIds = [...tokens.keys()];
  let errors = 0;
  const timed = async (recorder: LatencyRecorder, path: string, token: string) => {
    const started = performance.now();
    const reply = await requestJson(pool, 'GET', path, token).catch(() => ({ status: 0 }));
    if (reply.status === 200) recorder.record(performance.now() - started);
    else errors++;
  };
  const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)];

  /** `pairs` times a GET of a random order and a random customer's first page, `concurrency` at once. */
  const read = async (pairs: number, getOrder: LatencyRecorder, firstPage: LatencyRecorder) => {
    let left = pairs;
    const worker = async () => {
      while (left-- > 0) {
        const orderId = pick(orderIds);
        const owner = accepted.get(orderId)!;
        await timed(getOrder, `/v1/orders/${orderId}`, tokens.get(owner)!);
        const customer = pick(customerIds);
        await timed(firstPage, '/v1/orders?limit=20', tokens.get(customer)!);
      }
    };
    if (orderIds.length > 0) await Promise.all(Array.from({ length: concurrency }, worker));
  };

  const warmup = new LatencyRecorder();
  const getOrder = new LatencyRecorder();
  const firstPage = new LatencyRecorder();
  await read(READ_WARMUP / 2, warmup, warmup);
  await read(samples, getOrder, firstPage);
  return { getOrder: getOrder.summary(), firstPage: firstPage.summary(), warmup: warmup.summary(), errors };
}

/**
 * The gateway's own view of acceptance latency, from its prom-client histogram: what the client
 * measures also holds the load tool's own stalls (its event loop also polls the database and
 * keeps the books), so the summary shows both.
 */
export type Histogram = Map<number, number>;

export async function readHistogram(gatewayUrl: string, route: string, status: number): Promise<Histogram> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  const buckets: Histogram = new Map();
  const pattern = /^http_request_duration_seconds_bucket\{(.*)\} (\d+)$/;
  for (const line of text.split('\n')) {
    const match = pattern.exec(line);
    if (!match || !match[1].includes(`route="${route}"`) || !match[1].includes(`status_code="${status}"`) || !match[1].includes('method="POST"')) continue;
    const le = /le="([^"]+)"/.exec(match[1])![1];
    buckets.set(le === '+Inf' ? Infinity : Number(le), Number(match[2]));
  }
  return buckets;
}

export interface BucketPercentiles {
  count: number;
  /** Upper bounds of the buckets holding each percentile, in ms (Infinity past the last bucket). */
  p50: number;
  p95: number;
  p99: number;
}

export function bucketPercentiles(before: Histogram, after: Histogram): BucketPercentiles {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const cumulative = bounds.map((le) => (after.get(le) ?? 0) - (before.get(le) ?? 0));
  const count = cumulative[cumulative.length - 1] ?? 0;
  const at = (q: number) => bounds[cumulative.findIndex((c) => c >= q * count)] * 1000;
  return { count, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

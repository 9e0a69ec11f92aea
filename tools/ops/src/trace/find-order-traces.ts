import { ORDER_ID_ATTRIBUTE, spanLinks, type JaegerTrace } from './jaeger-trace';

export interface FindOrderTraces {
  /** Jaeger's query API, e.g. http://127.0.0.1:16686. */
  jaegerUrl: string;
  orderId: string;
  lookbackMs: number;
  /** Traces per search. */
  limit: number;
  now?: () => number;
}

export class JaegerUnavailableError extends Error {}

/**
 * The traces of one order, from Jaeger's query API:
 * 1. every trace with a span tagged order.id=<id>, searched service by service (the API needs one);
 * 2. the traces those spans link to (one hop);
 * 3. the traces that link to them, such as a consumer's batch span in a trace of its own whose
 *    links point at each order's publish. Jaeger cannot search by link, so this scans the traces
 *    started since the order's, up to `limit` per service.
 */
export async function findOrderTraces({ jaegerUrl, orderId, lookbackMs, limit, now = Date.now }: FindOrderTraces): Promise<JaegerTrace[]> {
  const base = jaegerUrl.replace(/\/+$/, '');
  const get = async <T>(path: string): Promise<T | undefined> => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, { headers: { accept: 'application/json' } });
    } catch (err) {
      const cause = (err as { cause?: { message?: string } }).cause?.message;
      throw new JaegerUnavailableError(`cannot reach Jaeger at ${base}${cause ? ` (${cause})` : ''}`);
    }
    if (response.status === 404) return undefined;
    if (!response.ok) throw new JaegerUnavailableError(`Jaeger answered ${response.status} to ${path}: ${(await response.text()).slice(0, 300)}`);
    return ((await response.json()) as { data: T }).data;
  };
  const search = async (params: Record<string, string>): Promise<JaegerTrace[]> =>
    (await get<JaegerTrace[]>(`/api/traces?${new URLSearchParams({ ...params, limit: String(limit) })}`)) ?? [];

  const services = ((await get<string[]>('/api/services')) ?? []).filter((s) => s !== 'jaeger');
  const endMicros = now() * 1000;
  const window = { start: String(endMicros - lookbackMs * 1000), end: String(endMicros) };
  const tags = JSON.stringify({ [ORDER_ID_ATTRIBUTE]: orderId });
  const found = new Map<string, JaegerTrace[]>();
  const keep = (traces: JaegerTrace[]): void => traces.forEach((t) => found.set(t.traceID, [...(found.get(t.traceID) ?? []), t]));

  keep((await Promise.all(services.map((service) => search({ service, tags, ...window })))).flat());
  if (found.size === 0) return [];
  const carriers = [...found.values()].flat();

  const linkedTo = new Set(carriers.flatMap((t) => t.spans.flatMap((s) => spanLinks(s).map((l) => l.traceId))).filter((id) => !found.has(id)));
  keep((await Promise.all([...linkedTo].map((id) => get<JaegerTrace[]>(`/api/traces/${encodeURIComponent(id)}`)))).flatMap((t) => t ?? []));

  const carrierIds = new Set(carriers.map((t) => t.traceID));
  const since = String(carriers.reduce((min, t) => t.spans.reduce((m, s) => Math.min(m, s.startTime), min), Infinity));
  const recent = (await Promise.all(services.map((service) => search({ service, start: since, end: window.end })))).flat();
  keep(recent.filter((t) => !found.has(t.traceID) && t.spans.some((s) => spanLinks(s).some((l) => carrierIds.has(l.traceId)))));

  return [...found.values()].flat();
}

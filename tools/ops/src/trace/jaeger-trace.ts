/** The shapes of Jaeger's HTTP query API (`/api/traces`, the JSON its own UI reads), as far as `npm run trace` reads them. */

export interface JaegerTag {
  key: string;
  type?: string;
  value: unknown;
}

/** CHILD_OF names the parent; an OpenTelemetry span link arrives as FOLLOWS_FROM. */
export interface JaegerReference {
  refType: 'CHILD_OF' | 'FOLLOWS_FROM' | string;
  traceID: string;
  spanID: string;
}

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references?: JaegerReference[];
  /** Microseconds since the epoch. */
  startTime: number;
  /** Microseconds. */
  duration: number;
  tags?: JaegerTag[];
  /** A key of the trace's `processes`, numbered per response (p1, p2, ...), not stable across responses. */
  processID: string;
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string; tags?: JaegerTag[] }>;
}

/** The span attribute that ties a span to an order. */
export const ORDER_ID_ATTRIBUTE = 'order.id';

/** Trace and span ids that a span's references point to outside its own parent. */
export function spanLinks(span: JaegerSpan): { traceId: string; spanId: string }[] {
  return (span.references ?? [])
    .filter((r) => r.refType !== 'CHILD_OF' || r.traceID !== span.traceID)
    .map((r) => ({ traceId: r.traceID, spanId: r.spanID }));
}

export function tagValue(span: JaegerSpan, key: string): unknown {
  return span.tags?.find((t) => t.key === key)?.value;
}

import { ORDER_ID_ATTRIBUTE, spanLinks, tagValue, type JaegerSpan, type JaegerTrace } from './jaeger-trace';

export interface WaterfallLink {
  traceId: string;
  spanId: string;
  /** "service operation" of the linked span when it is part of the picture. */
  target?: string;
}

export interface WaterfallSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  depth: number;
  service: string;
  operation: string;
  /** From the start of the earliest span of the picture, so that the traces line up. */
  offsetMs: number;
  durationMs: number;
  status: 'OK' | 'ERROR';
  statusMessage?: string;
  links: WaterfallLink[];
}

/** Why a trace is in the picture. */
export type TraceRole = 'carries the order' | 'links to the order' | 'linked from the order';

export interface WaterfallTrace {
  traceId: string;
  role: TraceRole;
  offsetMs: number;
  durationMs: number;
  /** Depth-first, children by start time. */
  spans: WaterfallSpan[];
}

export interface Waterfall {
  orderId: string;
  /** Microseconds since the epoch. */
  startTime: number;
  durationMs: number;
  traces: WaterfallTrace[];
}

interface FlatSpan {
  span: JaegerSpan;
  service: string;
}

const ms = (micros: number): number => micros / 1000;
// Not Math.min(...xs): a search of 100 traces of a busy batch can hold more spans than a call's arguments.
const first = (spans: FlatSpan[]): number => spans.reduce((min, { span }) => Math.min(min, span.startTime), Infinity);
const last = (spans: FlatSpan[]): number => spans.reduce((max, { span }) => Math.max(max, span.startTime + span.duration), -Infinity);

/**
 * One picture of the traces an order went through. The same trace may come back from several
 * searches (one per service), with its processes numbered differently each time, so spans are
 * resolved to their service before they are merged by id.
 */
export function buildWaterfall(orderId: string, found: JaegerTrace[]): Waterfall {
  const byTrace = new Map<string, Map<string, FlatSpan>>();
  for (const trace of found) {
    const spans = byTrace.get(trace.traceID) ?? new Map<string, FlatSpan>();
    for (const span of trace.spans) spans.set(span.spanID, { span, service: trace.processes[span.processID]?.serviceName ?? 'unknown' });
    byTrace.set(trace.traceID, spans);
  }
  const all = [...byTrace.values()].flatMap((spans) => [...spans.values()]);
  if (all.length === 0) return { orderId, startTime: 0, durationMs: 0, traces: [] };
  const startTime = first(all);
  const endTime = last(all);
  const names = new Map(all.map(({ span, service }) => [`${span.traceID}/${span.spanID}`, `${service} ${span.operationName}`]));

  const carriers = new Set(all.filter(({ span }) => String(tagValue(span, ORDER_ID_ATTRIBUTE) ?? '') === orderId).map(({ span }) => span.traceID));
  const roleOf = (traceId: string, spans: FlatSpan[]): TraceRole => {
    if (carriers.has(traceId)) return 'carries the order';
    if (spans.some(({ span }) => spanLinks(span).some((l) => carriers.has(l.traceId)))) return 'links to the order';
    return 'linked from the order';
  };

  const traces = [...byTrace.entries()].map(([traceId, spanMap]): WaterfallTrace => {
    const spans = [...spanMap.values()];
    const traceStart = first(spans);
    const traceEnd = last(spans);
    return {
      traceId,
      role: roleOf(traceId, spans),
      offsetMs: ms(traceStart - startTime),
      durationMs: ms(traceEnd - traceStart),
      spans: inTreeOrder(spanMap).map(({ flat: { span, service }, depth, parentSpanId }) => {
        const error = tagValue(span, 'error') === true || tagValue(span, 'error') === 'true' || tagValue(span, 'otel.status_code') === 'ERROR';
        const message = tagValue(span, 'otel.status_description');
        return {
          traceId,
          spanId: span.spanID,
          parentSpanId,
          depth,
          service,
          operation: span.operationName,
          offsetMs: ms(span.startTime - startTime),
          durationMs: ms(span.duration),
          status: error ? 'ERROR' : 'OK',
          ...(error && message ? { statusMessage: String(message) } : {}),
          links: spanLinks(span).map((l) => ({ ...l, ...(names.has(`${l.traceId}/${l.spanId}`) ? { target: names.get(`${l.traceId}/${l.spanId}`) } : {}) })),
        };
      }),
    };
  });
  traces.sort((a, b) => a.offsetMs - b.offsetMs || a.traceId.localeCompare(b.traceId));
  return { orderId, startTime, durationMs: ms(endTime - startTime), traces };
}

/** Parents before children, siblings by start time; a span whose parent is missing starts a tree of its own. */
function inTreeOrder(spans: Map<string, FlatSpan>): { flat: FlatSpan; depth: number; parentSpanId?: string }[] {
  const parentOf = (flat: FlatSpan): string | undefined =>
    flat.span.references?.find((r) => r.refType === 'CHILD_OF' && r.traceID === flat.span.traceID)?.spanID;
  const children = new Map<string | undefined, FlatSpan[]>();
  for (const flat of spans.values()) {
    const parent = parentOf(flat);
    const key = parent !== undefined && spans.has(parent) ? parent : undefined;
    const siblings = children.get(key) ?? [];
    siblings.push(flat);
    children.set(key, siblings);
  }
  const byStart = (a: FlatSpan, b: FlatSpan): number => a.span.startTime - b.span.startTime || a.span.spanID.localeCompare(b.span.spanID);
  const out: { flat: FlatSpan; depth: number; parentSpanId?: string }[] = [];
  const seen = new Set<string>();
  const visit = (flat: FlatSpan, depth: number): void => {
    if (seen.has(flat.span.spanID)) return;
    seen.add(flat.span.spanID);
    out.push({ flat, depth, parentSpanId: parentOf(flat) });
    for (const child of (children.get(flat.span.spanID) ?? []).sort(byStart)) visit(child, depth + 1);
  };
  for (const root of (children.get(undefined) ?? []).sort(byStart)) visit(root, 0);
  // Spans that only reach each other (a reference cycle in bad data) still get a line.
  for (const flat of [...spans.values()].sort(byStart)) visit(flat, 0);
  return out;
}

const BAR_WIDTH = 30;
const MAX_OPERATION = 48;

/** The waterfall as terminal text: a header per trace, one line per span, links and error messages under their span. */
export function renderWaterfall(w: Waterfall, { barWidth = BAR_WIDTH } = {}): string {
  const spans = w.traces.flatMap((t) => t.spans);
  const widest = (header: string, width: (s: WaterfallSpan) => number): number => spans.reduce((w, s) => Math.max(w, width(s)), header.length);
  const nameWidth = widest('SERVICE', (s) => 2 * s.depth + s.service.length);
  const opWidth = Math.min(MAX_OPERATION, widest('OPERATION', (s) => s.operation.length));
  const numWidth = widest('DURATION ms', (s) => Math.max(s.offsetMs.toFixed(1).length, s.durationMs.toFixed(1).length));
  const line = (name: string, op: string, offset: string, duration: string, status: string, bar: string): string =>
    `${name.padEnd(nameWidth)}  ${op.padEnd(opWidth)}  ${offset.padStart(numWidth)}  ${duration.padStart(numWidth)}  ${status.padEnd(6)}  ${bar}`.trimEnd();
  const bar = (s: WaterfallSpan): string => {
    const scale = w.durationMs > 0 ? barWidth / w.durationMs : 0;
    const from = Math.min(barWidth - 1, Math.floor(s.offsetMs * scale));
    const to = Math.max(from + 1, Math.min(barWidth, Math.ceil((s.offsetMs + s.durationMs) * scale)));
    return `|${' '.repeat(from)}${'█'.repeat(to - from)}${' '.repeat(barWidth - to)}|`;
  };
  const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

  const out = [`order ${w.orderId}: ${count(w.traces.length, 'trace')}, ${count(spans.length, 'span')}, ${w.durationMs.toFixed(1)} ms from the first span to the last`];
  for (const t of w.traces) {
    out.push('', `trace ${t.traceId} (${t.role}) at +${t.offsetMs.toFixed(1)} ms, ${t.durationMs.toFixed(1)} ms`);
    out.push(line('SERVICE', 'OPERATION', 'OFFSET ms', 'DURATION ms', 'STATUS', 'TIMELINE'));
    for (const s of t.spans) {
      const indent = '  '.repeat(s.depth);
      const op = s.operation.length > opWidth ? `${s.operation.slice(0, opWidth - 1)}…` : s.operation;
      out.push(line(indent + s.service, op, s.offsetMs.toFixed(1), s.durationMs.toFixed(1), s.status, bar(s)));
      if (s.statusMessage) out.push(`${indent}    ! ${s.statusMessage}`);
      for (const l of s.links) out.push(`${indent}    ↳ link trace ${l.traceId} span ${l.spanId}${l.target ? ` (${l.target})` : ''}`);
    }
  }
  return `${out.join('\n')}\n`;
}

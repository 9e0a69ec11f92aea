import { context, createContextKey, ROOT_CONTEXT, SpanStatusCode, trace, type Attributes, type Context, type Link, type Span, type SpanContext, type SpanKind } from '@opentelemetry/api';
import { contextFrom, inSpan, traceparentIn, tracer } from './spans';
import { formatTraceparent, isSampled, parseTraceparent, readsTraceparent, sampledFlag } from './traceparent';

// --- Work for many items at once, attributed to each item -------------------------------------------
// A batch step (one RPC for many orders, one transaction) runs once, in the batch's trace; each
// item's own trace gets a span of the same name and time, so a trace of one order shows every
// step it went through.

/**
 * An item's trace: the context of its own span when its trace is sampled; when it is not, just its
 * traceparent, which is all that continues it (an outbox row, a reply) needs, so an unsampled item
 * costs no context, no span and no parsing beyond parseTraceparent's.
 */
export type ItemTrace = Context | string;

const ITEMS = createContextKey('order-platform.item-contexts');

const itemTraces = (): Map<string, ItemTrace> | undefined => context.active().getValue(ITEMS) as Map<string, ItemTrace> | undefined;

/** Runs work with the trace of each item known (by id) to itemSpans below. */
export function withItemContexts<T>(items: Map<string, ItemTrace>, work: () => T): T {
  if (items.size === 0) return work();
  return context.with(context.active().setValue(ITEMS, items), work);
}

/** The context of one item in the active batch, when tracing follows it. */
export function itemContext(id: string): Context | undefined {
  const item = itemTraces()?.get(id);
  return typeof item === 'string' ? contextFrom(item) : item;
}

/** The traceparent of one item in the active batch, for a row or message that continues its trace. */
export function itemTraceparent(id: string): string | undefined {
  const item = itemTraces()?.get(id);
  return typeof item === 'string' || item === undefined ? item : traceparentIn(item);
}

/** The trace id of one item in the active batch when its trace is sampled, e.g. for a metric's exemplar. */
export function itemTraceId(id: string): string | undefined {
  const item = itemTraces()?.get(id);
  const spanContext = typeof item === 'string' || item === undefined ? undefined : trace.getSpanContext(item);
  return isSampled(spanContext) ? spanContext.traceId : undefined;
}

const hasItems = () => (itemTraces()?.size ?? 0) > 0;

export interface ItemSpanOptions {
  attributes?: Attributes;
  /** The attribute that names the item on its span (e.g. order.id). */
  idAttribute: string;
  /** Per item: an error message makes its span ERROR. */
  failureOf?: (id: string) => string | undefined;
}

/**
 * One span per item (child of the item's own context, same name and time as the batch step,
 * linked to it); items whose trace is not sampled cost nothing.
 */
export function itemSpans(name: string, ids: Iterable<string>, started: number, ended: number, step: SpanContext | undefined, options: ItemSpanOptions): void {
  const items = itemTraces();
  if (!items || items.size === 0) return;
  const stepLink = step && trace.isSpanContextValid(step) ? [{ context: step }] : undefined;
  for (const id of ids) {
    const parent = items.get(id);
    if (parent === undefined || typeof parent === 'string' || !isSampled(trace.getSpanContext(parent))) continue;
    const span = tracer.startSpan(name, { startTime: started, links: stepLink, attributes: { ...options.attributes, [options.idAttribute]: id } }, parent);
    const failure = options.failureOf?.(id);
    if (failure) span.setStatus({ code: SpanStatusCode.ERROR, message: failure });
    span.end(ended);
  }
}

/** A batch step: its own span (active while it runs) plus one span per item (itemSpans). */
export async function batchStep<T>(name: string, ids: string[], options: ItemSpanOptions & { kind?: SpanKind }, work: () => Promise<T>): Promise<T> {
  if (!hasItems()) return inSpan(name, { kind: options.kind, attributes: options.attributes }, () => work());
  const started = Date.now();
  let step: SpanContext | undefined;
  let failure: string | undefined;
  try {
    return await inSpan(name, { kind: options.kind, attributes: { ...options.attributes, 'batch.size': ids.length } }, (span) => {
      step = span.isRecording() ? span.spanContext() : undefined;
      return work();
    });
  } catch (err) {
    failure = err instanceof Error ? err.message : String(err);
    throw err;
  } finally {
    itemSpans(name, ids, started, Date.now(), step, failure ? { ...options, failureOf: () => failure } : options);
  }
}

export interface ItemSpans {
  /** Each traced item's trace (the context of its span, or the traceparent of an unsampled one), for withItemContexts. */
  contexts: Map<string, ItemTrace>;
  /** Ends the items' spans; an item with a failure message ends in ERROR. */
  end(failureOf?: (id: string) => string | undefined): void;
}

/**
 * Starts one span per item that carries a sampled trace context of its own (a command in a
 * batch), each the child of its item's context and linked to the active batch span, which in turn
 * is linked to every such item's context. An item whose trace is not sampled gets no span: its
 * traceparent is kept for what continues its trace (an outbox row, a reply).
 */
export function startItemSpans(
  name: string,
  items: Array<{ id: string; traceparent?: string }>,
  options: { idAttribute: string; kind?: SpanKind; attributes?: Attributes },
): ItemSpans {
  const spans = new Map<string, Span>();
  const contexts = new Map<string, ItemTrace>();
  const batch = trace.getActiveSpan();
  const toBatch = batch?.isRecording() ? [{ context: batch.spanContext() }] : undefined;
  const itemLinks: Link[] = [];
  for (const item of readsTraceparent() ? items : []) {
    if (!item.traceparent || contexts.has(item.id)) continue;
    const spanContext = parseTraceparent(item.traceparent);
    if (!spanContext) continue;
    if (!sampledFlag(spanContext)) {
      contexts.set(item.id, item.traceparent.startsWith('00') ? item.traceparent : formatTraceparent(spanContext));
      continue;
    }
    itemLinks.push({ context: spanContext, attributes: { [options.idAttribute]: item.id } });
    const parent = trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext(spanContext));
    const span = tracer.startSpan(name, { kind: options.kind, links: toBatch, attributes: { ...options.attributes, [options.idAttribute]: item.id } }, parent);
    spans.set(item.id, span);
    contexts.set(item.id, trace.setSpan(parent, span));
  }
  if (toBatch && itemLinks.length > 0) batch!.addLinks(itemLinks);
  return {
    contexts,
    end(failureOf) {
      for (const [id, span] of spans) {
        const failure = failureOf?.(id);
        if (failure) span.setStatus({ code: SpanStatusCode.ERROR, message: failure });
        span.end();
      }
    },
  };
}

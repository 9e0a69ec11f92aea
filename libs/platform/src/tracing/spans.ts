import {
  context,
  createContextKey,
  INVALID_SPANID,
  INVALID_TRACEID,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanContext,
  type SpanOptions,
  type TextMapGetter,
} from '@opentelemetry/api';
import { getRPCMetadata } from '@opentelemetry/core';

/**
 * Spans of the platform's own (the messaging and saga steps that batching hides from the
 * instrumentations). Everything here goes through @opentelemetry/api: with no SDK started it is
 * the API's no-op, and the propagator injects nothing.
 */
export const tracer = trace.getTracer('order-platform');
export { context, trace, ROOT_CONTEXT, SpanKind, SpanStatusCode, type Attributes, type Context, type Link, type Span, type SpanContext };

/** AMQP headers come back as strings or Buffers. */
const headerGetter: TextMapGetter<Record<string, unknown>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    if (value === undefined || value === null) return undefined;
    return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  },
};

// --- Unsampled traces cost (almost) nothing ---------------------------------------------------------
// A span that is not sampled is never made the active span: its context is kept aside, under a key
// of ours, for propagation only. So nothing under it pays for tracing: the pg instrumentation
// (requireParentSpan) skips its queries, startSpan answers without the SDK, and links are made
// only to traces that are recorded. The unsampled decision still travels with every message, as
// the parent-based samplers (the default) honour it downstream.

const UNSAMPLED = createContextKey('order-platform.unsampled-span');

const isSampled = (spanContext: SpanContext | undefined): spanContext is SpanContext =>
  spanContext !== undefined && (spanContext.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED && trace.isSpanContextValid(spanContext);

/**
 * Whether a span context that the SDK, a propagator or parseTraceparent made (so well-formed) has
 * ids: the API's no-op span, what the code gets with tracing off, has zeros. Two comparisons where
 * trace.isSpanContextValid matches both ids against patterns, on paths every order takes.
 */
const hasIds = (spanContext: SpanContext): boolean => spanContext.traceId !== INVALID_TRACEID && spanContext.spanId !== INVALID_SPANID;

const unsampledSpan = (ctx: Context): Span | undefined => ctx.getValue(UNSAMPLED) as Span | undefined;

/** The span context ctx continues: its active span's, or that of the unsampled trace it carries. */
export function spanContextOf(ctx: Context = context.active()): SpanContext | undefined {
  return trace.getSpanContext(ctx) ?? unsampledSpan(ctx)?.spanContext();
}

/**
 * ctx with span active, or, when the span is not sampled, with its context kept aside for
 * propagation only (see above). With tracing off (an invalid span) ctx is returned as it is.
 */
export function withSpan(ctx: Context, span: Span): Context {
  const spanContext = span.spanContext();
  if (span.isRecording() || isSampled(spanContext)) return unsampledSpan(ctx) ? trace.setSpan(ctx, span).deleteValue(UNSAMPLED) : trace.setSpan(ctx, span);
  if (!hasIds(spanContext)) return ctx;
  // One context less to make per unsampled request or message when ctx has no active span (the usual case).
  if (!trace.getSpan(ctx)) return unsampledSpan(ctx) === span ? ctx : ctx.setValue(UNSAMPLED, span);
  return trace.deleteSpan(ctx).setValue(UNSAMPLED, span);
}

/**
 * A span of the platform's own, the child of parent. Under an unsampled parent it is the
 * parent's own non-recording span (no ids, no sampler, no object): what a parent-based sampler
 * would decide anyway.
 */
export function startSpan(name: string, options: SpanOptions, parent: Context = context.active()): Span {
  if (!trace.getSpan(parent)) {
    const unsampled = unsampledSpan(parent);
    if (unsampled) return unsampled;
  }
  return tracer.startSpan(name, options, parent);
}

/** The W3C trace context (`traceparent`, `tracestate`) of ctx, for message headers or a stored row. */
export function traceHeaders(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  const unsampled = trace.getSpan(ctx) ? undefined : unsampledSpan(ctx);
  propagation.inject(unsampled ? trace.setSpan(ctx, unsampled) : ctx, carrier);
  return carrier;
}

/**
 * The W3C `traceparent` of the trace ctx continues (sampled or not), for a field of our own: a
 * command's or an outbox row's. Written directly, without a propagator and the contexts it needs:
 * such a field is W3C whatever OTEL_PROPAGATORS says, and it is written once per order.
 */
export function traceparentIn(ctx: Context = context.active()): string | undefined {
  const spanContext = spanContextOf(ctx);
  return spanContext && hasIds(spanContext) ? formatTraceparent(spanContext) : undefined;
}

const formatTraceparent = (spanContext: SpanContext): string => `00-${spanContext.traceId}-${spanContext.spanId}-${(0x100 | spanContext.traceFlags).toString(16).slice(1)}`;

/** Version, trace id, parent id, flags; a version after 00 may add fields, 255 is invalid (W3C Trace Context). */
const TRACEPARENT = /^(?!ff)[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}(?:-.*)?$/;

/**
 * The span context of a `traceparent` field of our own (a command's, an outbox row's), parsed here
 * rather than by the propagator: such a field is read once per order in order-management (each
 * command, each event relayed), and the propagator's way (a carrier, its getter, a matching with
 * groups, then the checks of trace.isSpanContextValid) took about 1.2 µs in a loop, this about a
 * tenth of that. The fields are read only where the W3C propagator is (readsTraceparent below).
 */
export function parseTraceparent(value: string): SpanContext | undefined {
  if (!TRACEPARENT.test(value) || (value.length !== 55 && value.startsWith('00'))) return undefined;
  const spanContext: SpanContext = { traceId: value.slice(3, 35), spanId: value.slice(36, 52), traceFlags: parseInt(value.slice(53, 55), 16), isRemote: true };
  return hasIds(spanContext) ? spanContext : undefined;
}

const sampledFlag = (spanContext: SpanContext): boolean => (spanContext.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;

/**
 * Whether this process reads W3C trace context: it does when tracing is on with the default
 * propagator; with tracing off (the API's no-op propagator) or OTEL_PROPAGATORS without
 * `tracecontext`, a traceparent field is ignored as a header would be, and costs nothing.
 */
const readsTraceparent = (): boolean => propagation.fields().includes('traceparent');

/** The context a traceparent field continues: its span active when sampled, kept aside when not (see withSpan). */
function contextOfTraceparent(value: string): Context {
  const spanContext = readsTraceparent() ? parseTraceparent(value) : undefined;
  if (!spanContext) return ROOT_CONTEXT;
  const span = trace.wrapSpanContext(spanContext);
  return sampledFlag(spanContext) ? trace.setSpan(ROOT_CONTEXT, span) : ROOT_CONTEXT.setValue(UNSAMPLED, span);
}

/** The `traceparent` of a span, or undefined when tracing is off. */
export function traceparentOf(span: Span | undefined): string | undefined {
  if (!span || !span.isRecording()) return undefined;
  return traceparentIn(trace.setSpan(ROOT_CONTEXT, span));
}

/**
 * The context carried by message headers (read by the configured propagators) or a stored
 * traceparent (parseTraceparent); the empty root context when none. An unsampled one is kept
 * aside, not active (see withSpan).
 */
export function contextFrom(carrier: Record<string, unknown> | string | undefined | null): Context {
  if (!carrier) return ROOT_CONTEXT;
  if (typeof carrier === 'string') return contextOfTraceparent(carrier);
  if (carrier.traceparent === undefined) return ROOT_CONTEXT;
  const ctx = propagation.extract(ROOT_CONTEXT, carrier, headerGetter);
  const span = trace.getSpan(ctx);
  return span && !isSampled(span.spanContext()) ? withSpan(ROOT_CONTEXT, span) : ctx;
}

/** A link to the span that ctx carries, when it carries a sampled one (a link to an unrecorded trace leads nowhere). */
export function linkTo(ctx: Context, attributes?: Attributes): Link | undefined {
  const spanContext = trace.getSpanContext(ctx);
  return isSampled(spanContext) ? { context: spanContext, attributes } : undefined;
}

export const isLink = (link: Link | undefined): link is Link => link !== undefined;

/** Marks a span failed with the error's message. */
export function failSpan(span: Span, err: unknown): void {
  span.recordException(err instanceof Error ? err : String(err));
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

/** Runs work inside a new span (active while it runs), ending it when the work settles. */
export async function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes; links?: Link[]; parent?: Context },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = startSpan(name, { kind: options.kind, attributes: options.attributes, links: options.links }, parent);
  const ctx = withSpan(parent, span);
  try {
    return await (ctx === context.active() ? work(span) : context.with(ctx, () => work(span)));
  } catch (err) {
    failSpan(span, err);
    throw err;
  } finally {
    span.end();
  }
}

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
  return typeof item === 'string' ? contextOfTraceparent(item) : item;
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

/**
 * Sets attributes on the active span of ctx and on the HTTP server span of the request (the one an
 * operator searches by), e.g. the order id a route learns only once it has worked.
 */
export function tagRequest(attributes: Attributes, ctx: Context = context.active()): void {
  const active = trace.getSpan(ctx);
  if (!active?.isRecording()) return;
  active.setAttributes(attributes);
  const server = getRPCMetadata(ctx)?.span;
  if (server && server !== active) server.setAttributes(attributes);
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

import {
  context,
  createContextKey,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanContext,
  type SpanOptions,
  type TextMapGetter,
} from '@opentelemetry/api';
import { getRPCMetadata } from '@opentelemetry/core';
import { formatTraceparent, hasIds, isSampled, parseTraceparent, readsTraceparent } from './traceparent';

export { parseTraceparent };

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

/** The context a traceparent field continues: its span active when sampled, kept aside when not (see withSpan). */
function contextOfTraceparent(value: string): Context {
  const spanContext = readsTraceparent() ? parseTraceparent(value) : undefined;
  if (!spanContext) return ROOT_CONTEXT;
  return withSpan(ROOT_CONTEXT, trace.wrapSpanContext(spanContext));
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

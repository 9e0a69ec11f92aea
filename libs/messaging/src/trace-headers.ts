import { traceHeaders, type Context } from '@shop/platform';

/** One object for the trace headers of every message this process sends (see messageTraceHeaders). */
const carrier: { traceparent?: string; tracestate?: string } = {};

/**
 * The AMQP headers that carry ctx's trace context (undefined when there is none), for
 * `publish`/`sendToQueue` and nothing else: the object is reused by the next call.
 * amqplib makes the headers it is given the prototype of a new object (`Object.create(headers)`
 * in its Args.publish), so a fresh headers object per message would become a prototype, with a
 * hidden class of its own, every time: about 1.5 µs a message more than one object reused
 * (a loop on this machine), and a stream of one-off hidden classes through every property cache
 * that sees them. Reusing one is safe because amqplib encodes a message synchronously, inside the
 * publish call.
 */
export function messageTraceHeaders(ctx: Context): Record<string, string> | undefined {
  const headers = traceHeaders(ctx);
  const keys = Object.keys(headers);
  if (keys.length === 0) return undefined;
  // Another propagator's keys (OTEL_PROPAGATORS) go as they come.
  if (keys.some((key) => key !== 'traceparent' && key !== 'tracestate')) return headers;
  carrier.traceparent = headers.traceparent;
  carrier.tracestate = headers.tracestate;
  return carrier as Record<string, string>;
}

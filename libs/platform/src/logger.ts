import pino from 'pino';
import { trace } from '@opentelemetry/api';
import { spanContextOf } from './tracing/spans';

export type Logger = pino.Logger;

/** A line logged inside a traced span (sampled or not) names it, so that it leads to its trace. */
function traceFields(): Record<string, string> {
  const spanContext = spanContextOf();
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}

/** Logs JSON lines to stdout (or `destination`). */
export function createLogger(service: string, level = 'info', destination?: pino.DestinationStream): Logger {
  const options = { name: service, level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime, mixin: traceFields };
  return destination ? pino(options, destination) : pino(options);
}

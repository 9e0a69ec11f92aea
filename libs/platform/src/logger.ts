import pino from 'pino';
import { trace } from '@opentelemetry/api';

export type Logger = pino.Logger;

/** A line logged inside a traced span names it, so that it leads to its trace. */
function traceFields(): Record<string, string> {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}

/** Logs JSON lines to stdout (or `destination`). */
export function createLogger(service: string, level = 'info', destination?: pino.DestinationStream): Logger {
  const options = { name: service, level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime, mixin: traceFields };
  return destination ? pino(options, destination) : pino(options);
}

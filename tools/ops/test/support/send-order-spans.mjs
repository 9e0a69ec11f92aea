// Sends the spans of trace.test.ts to an OTLP/HTTP endpoint with the OpenTelemetry SDK and its
// protobuf exporter, as the services would, and prints their trace and span ids as JSON.
// A process of its own: the exporter loads node:http with import(), which Jest's module sandbox
// refuses without --experimental-vm-modules (open-telemetry/opentelemetry-js#6035).
//
//   node send-order-spans.mjs <OTLP traces URL> <orderId> <otherOrderId>
//
// The gateway accepts both orders (two traces); order-management takes them in one batch (a trace
// of its own, linked to both publishes), customer-service checks credit and inventory-service fails
// to reserve stock. A later batch holds only the other order. Times are fixed from one base.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

const [url, orderId, otherOrderId] = process.argv.slice(2);
const providers = new Map();
const tracer = (service) => {
  if (!providers.has(service)) {
    const spanProcessors = [new SimpleSpanProcessor(new OTLPTraceExporter({ url }))];
    providers.set(service, new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors }));
  }
  return providers.get(service).getTracer('trace-test');
};
const base = Date.now() - 60_000;
const span = (service, name, from, to, { kind = SpanKind.INTERNAL, orderId: id, parent, links, error } = {}) => {
  const context = parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
  const s = tracer(service).startSpan(name, { kind, startTime: base + from, links, attributes: id ? { 'order.id': id } : {} }, context);
  if (error) s.setStatus({ code: SpanStatusCode.ERROR, message: error });
  s.end(base + to);
  return s.spanContext();
};

const accepted = span('api-gateway', 'POST /v1/orders', 0, 20, { kind: SpanKind.SERVER, orderId });
const published = span('api-gateway', 'place-order publish', 5, 7, { kind: SpanKind.PRODUCER, orderId, parent: accepted });
const otherAccepted = span('api-gateway', 'POST /v1/orders', 2, 12, { kind: SpanKind.SERVER, orderId: otherOrderId });
const otherPublished = span('api-gateway', 'place-order publish', 4, 6, { kind: SpanKind.PRODUCER, orderId: otherOrderId, parent: otherAccepted });
const batch = span('order-management', 'place-order process', 30, 90, { kind: SpanKind.CONSUMER, links: [{ context: published }, { context: otherPublished }] });
span('customer-service', 'check credit', 35, 45, { kind: SpanKind.SERVER, parent: batch });
span('inventory-service', 'reserve stock', 50, 80, { kind: SpanKind.SERVER, parent: batch, error: 'out of stock' });
const unrelated = span('order-management', 'place-order process', 100, 110, { kind: SpanKind.CONSUMER, links: [{ context: otherPublished }] });

// shutdown() flushes; an export that failed is logged by the SDK, and the test then finds nothing.
await Promise.all([...providers.values()].map((p) => p.shutdown()));
process.stdout.write(
  JSON.stringify({
    order: accepted.traceId,
    publish: published.spanId,
    other: otherAccepted.traceId,
    otherPublish: otherPublished.spanId,
    batch: batch.traceId,
    unrelated: unrelated.traceId,
  }),
);

import { request, type Server } from 'node:http';
import { Writable } from 'node:stream';
import express, { type RequestHandler } from 'express';
import { context, propagation, trace, SpanStatusCode } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { batchStep, contextFrom, createLogger, inSpan, itemTraceparent, linkTo, parseTraceparent, startItemSpans, traceHeaders, traceparentIn, traceRequests, tracingWanted, withItemContexts, serviceNameFrom } from '../src';

// The platform's own spans, recorded by a real OpenTelemetry SDK into memory.
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register({ propagator: new W3CTraceContextPropagator() });
const tracer = trace.getTracer('test');

afterEach(() => exporter.reset());
afterAll(() => provider.shutdown());

const spanNamed = (name: string, orderId?: string): ReadableSpan => {
  const found = exporter.getFinishedSpans().filter((s) => s.name === name && (orderId === undefined || s.attributes['order.id'] === orderId));
  expect(found).toHaveLength(1);
  return found[0];
};
/** The step's own span, in the batch's trace (the one without an order id). */
const batchStepSpan = () => exporter.getFinishedSpans().find((s) => s.name === 'decide' && s.attributes['order.id'] === undefined)!;
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('tracing configuration (OTEL_* variables)', () => {
  it.each([
    [{}, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }, true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' }, true],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_EXPORTER: 'none' }, false],
  ])('when the environment is %j, then tracing starts: %s', (env, wanted) => {
    expect(tracingWanted(env)).toBe(wanted);
  });

  it('when a service runs from services/<name>/dist/main.js, then that is its default service name', () => {
    expect(serviceNameFrom('/app/services/order-management/dist/main.js')).toBe('order-management');
    expect(serviceNameFrom('/tmp/other.js')).toBeUndefined();
  });
});

describe('trace context in messages', () => {
  it('when a span context is written to headers and read back (as AMQP may return a Buffer), then it is the same span', () => {
    const span = tracer.startSpan('accept');
    const headers = traceHeaders(trace.setSpan(context.active(), span));
    expect(headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const read = trace.getSpanContext(contextFrom({ traceparent: Buffer.from(headers.traceparent) }));
    expect(read).toMatchObject({ traceId: span.spanContext().traceId, spanId: span.spanContext().spanId, isRemote: true });
    expect(trace.getSpanContext(contextFrom(undefined))).toBeUndefined();
    span.end();
  });

  it("when a traceparent is written for a field of our own (a command, an outbox row), then it is the propagator's, sampled or not", () => {
    const sampled = trace.setSpan(context.active(), tracer.startSpan('accept'));
    const unsampled = contextFrom('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00');
    expect(traceparentIn(sampled)).toBe(traceHeaders(sampled).traceparent);
    expect(traceparentIn(unsampled)).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00');
    expect(traceparentIn(unsampled)).toBe(traceHeaders(unsampled).traceparent);
    expect(traceparentIn(context.active())).toBeUndefined();
  });
});

describe('a traceparent field of our own', () => {
  const id = '0af7651916cd43dd8448eb211c80319c';
  const parent = 'b7ad6b7169203331';

  it('when it is well formed, then it reads as a remote span context with its flags', () => {
    expect(parseTraceparent(`00-${id}-${parent}-01`)).toEqual({ traceId: id, spanId: parent, traceFlags: 1, isRemote: true });
    expect(parseTraceparent(`00-${id}-${parent}-00`)?.traceFlags).toBe(0);
    // A later version may add fields; its first four read as version 00's.
    expect(parseTraceparent(`01-${id}-${parent}-01-extra`)).toMatchObject({ traceId: id, spanId: parent, traceFlags: 1 });
  });

  it.each([
    ['version 255', `ff-${id}-${parent}-01`],
    ['a trace id of zeros', `00-${'0'.repeat(32)}-${parent}-01`],
    ['a parent id of zeros', `00-${id}-${'0'.repeat(16)}-01`],
    ['upper-case hex', `00-${id.toUpperCase()}-${parent}-01`],
    ['version 00 with more after it', `00-${id}-${parent}-01-extra`],
    ['a short trace id', `00-${id.slice(1)}-${parent}-01`],
    ['not hex', `00-${id.replace('a', 'g')}-${parent}-01`],
    ['nothing', ''],
  ])('when it has %s, then it is no trace context at all', (_case, value) => {
    expect(parseTraceparent(value)).toBeUndefined();
    expect(trace.getSpanContext(contextFrom(value))).toBeUndefined();
    expect(traceparentIn(contextFrom(value))).toBeUndefined();
  });

  it('when no W3C propagator is configured (tracing off, or OTEL_PROPAGATORS without tracecontext), then the field is ignored, as a header would be', async () => {
    propagation.disable();
    try {
      expect(trace.getSpanContext(contextFrom(`00-${id}-${parent}-01`))).toBeUndefined();
      expect(traceparentIn(contextFrom(`00-${id}-${parent}-00`))).toBeUndefined();
      expect(startItemSpans('place order', [{ id: 'a', traceparent: `00-${id}-${parent}-01` }], { idAttribute: 'order.id' }).contexts.size).toBe(0);
    } finally {
      propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    }
    expect(trace.getSpanContext(contextFrom(`00-${id}-${parent}-01`))?.traceId).toBe(id);
  });

  it('when an unsampled item comes with a later version, then what continues its trace gets the version 00 form', async () => {
    const orders = startItemSpans('place order', [{ id: 'later', traceparent: `01-${id}-${parent}-00-extra` }], { idAttribute: 'order.id' });
    expect(await withItemContexts(orders.contexts, async () => itemTraceparent('later'))).toBe(`00-${id}-${parent}-00`);
    orders.end();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});

describe('spans per item of a batch', () => {
  it('when a batch step runs for two traced orders and one is rejected, then each order gets its own span under its own trace, linked to the batch, and the rejected one is ERROR', async () => {
    const accept = ['a', 'b'].map((id) => ({ id, span: tracer.startSpan(`accept ${id}`) }));
    const items = accept.map(({ id, span }) => ({ id, traceparent: traceHeaders(trace.setSpan(context.active(), span)).traceparent }));
    const batch = tracer.startSpan('process batch');

    await context.with(trace.setSpan(context.active(), batch), async () => {
      const orders = startItemSpans('place order', items, { idAttribute: 'order.id' });
      await withItemContexts(orders.contexts, () => batchStep('decide', ['a', 'b'], { idAttribute: 'order.id', failureOf: (id) => (id === 'b' ? 'REJECTED: OUT_OF_STOCK' : undefined) }, async () => 'done'));
      orders.end();
    });
    batch.end();

    for (const { id, span } of accept) {
      const order = spanNamed('place order', id);
      expect(order.spanContext().traceId).toBe(span.spanContext().traceId);
      expect(parentOf(order)).toBe(span.spanContext().spanId);
      expect(order.links.map((l) => l.context.spanId)).toEqual([batch.spanContext().spanId]);
      const decide = spanNamed('decide', id);
      expect(parentOf(decide)).toBe(order.spanContext().spanId);
      expect(decide.links.map((l) => l.context.spanId)).toEqual([batchStepSpan().spanContext().spanId]);
      expect(decide.status.code).toBe(id === 'b' ? SpanStatusCode.ERROR : SpanStatusCode.UNSET);
    }
    expect(batchStepSpan().attributes['batch.size']).toBe(2);
    expect(parentOf(batchStepSpan())).toBe(batch.spanContext().spanId);
    // The batch span links every order's accepting span.
    const batchSpan = exporter.getFinishedSpans().find((s) => s.name === 'process batch')!;
    expect(batchSpan.links.map((l) => l.context.spanId).sort()).toEqual(accept.map(({ span }) => span.spanContext().spanId).sort());
  });

  it('when a batch step fails, then the step and every order span of it end in ERROR', async () => {
    const accept = tracer.startSpan('accept');
    const items = [{ id: 'c', traceparent: traceHeaders(trace.setSpan(context.active(), accept)).traceparent }];
    const orders = startItemSpans('place order', items, { idAttribute: 'order.id' });
    await expect(withItemContexts(orders.contexts, () => batchStep('reserve stock', ['c'], { idAttribute: 'order.id' }, () => Promise.reject(new Error('broker away'))))).rejects.toThrow('broker away');
    orders.end();
    expect(spanNamed('reserve stock', 'c').status).toEqual({ code: SpanStatusCode.ERROR, message: 'broker away' });
  });
});

describe('an unsampled trace', () => {
  // What the gateway sends for the requests a parent-based ratio sampler does not pick.
  const unsampled = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00';

  it('when work runs under an unsampled trace, then no span is active (pg skips its queries), none is recorded, and the decision travels on', async () => {
    const seen = await inSpan('process batch', { parent: contextFrom({ traceparent: unsampled }) }, () =>
      inSpan('reserve stock', {}, async () => ({ active: trace.getActiveSpan(), headers: traceHeaders() })),
    );
    expect(seen.active).toBeUndefined();
    expect(seen.headers.traceparent).toBe(unsampled);
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(linkTo(contextFrom(unsampled))).toBeUndefined();
  });

  it('when a batch holds a sampled and an unsampled order, then only the sampled one gets spans, and the unsampled one still hands its trace on', async () => {
    const accept = tracer.startSpan('accept');
    const items = [
      { id: 'sampled', traceparent: traceHeaders(trace.setSpan(context.active(), accept)).traceparent },
      { id: 'unsampled', traceparent: unsampled },
    ];
    const orders = startItemSpans('place order', items, { idAttribute: 'order.id' });
    const handedOn = await withItemContexts(orders.contexts, () => batchStep('decide', ['sampled', 'unsampled'], { idAttribute: 'order.id' }, async () => itemTraceparent('unsampled')));
    orders.end();
    accept.end();
    expect(handedOn).toBe(unsampled);
    expect(exporter.getFinishedSpans().filter((s) => s.attributes['order.id'] !== undefined).map((s) => `${s.name} ${s.attributes['order.id']}`).sort()).toEqual(['decide sampled', 'place order sampled']);
  });

  it('when a line is logged under an unsampled trace, then it still names the trace', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(chunk.toString()), done()) });
    context.with(contextFrom(unsampled), () => createLogger('test', 'info', sink).info('inside'));
    expect(JSON.parse(lines[0])).toMatchObject({ trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: 'b7ad6b7169203331' });
  });
});

describe('logs that lead to their trace', () => {
  it('when a line is logged inside a span, then it carries trace_id and span_id; outside, it carries neither', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(chunk.toString()), done()) });
    const child = createLogger('test', 'info', sink);

    const span = tracer.startSpan('work');
    context.with(trace.setSpan(context.active(), span), () => child.info('inside'));
    span.end();
    child.info('outside');

    const [inside, outside] = lines.map((l) => JSON.parse(l));
    expect(inside).toMatchObject({ trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId });
    expect(outside.trace_id).toBeUndefined();
  });
});

describe('HTTP server spans (traceRequests)', () => {
  /** A server whose POST /orders/:id parses its body with `parse` and answers with the span active in the handler. */
  async function serve(parse: RequestHandler): Promise<{ url: string; server: Server }> {
    const app = express();
    app.use(traceRequests({ ignore: /^\/healthz/ }));
    app.post('/orders/:id', parse, (_req, res) => {
      res.status(201).json({ activeSpan: trace.getActiveSpan()?.spanContext().spanId ?? null });
    });
    app.get('/healthz', (_req, res) => res.json({ activeSpan: trace.getActiveSpan()?.spanContext().spanId ?? null }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}`, server };
  }

  /** Sends the body in two writes 50 ms apart, so the parser finishes on a later socket read. */
  function postInTwoParts(url: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: { activeSpan: string | null } }> {
    return new Promise((resolve, reject) => {
      const req = request(`${url}/orders/42`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      });
      req.on('error', reject);
      req.write(body.slice(0, 5));
      setTimeout(() => req.end(body.slice(5)), 50);
    });
  }

  it('when a request arrives with a traceparent and its body in two parts, then the handler runs in the SERVER span, a child of the caller, named by its route', async () => {
    const { url, server } = await serve(express.json());
    try {
      const caller = tracer.startSpan('client');
      const { traceparent } = traceHeaders(trace.setSpan(context.active(), caller));
      const answer = await postInTwoParts(url, JSON.stringify({ items: [1, 2, 3] }), { traceparent });
      caller.end();
      const http = spanNamed('POST /orders/:id');
      expect(answer).toEqual({ status: 201, body: { activeSpan: http.spanContext().spanId } });
      expect(parentOf(http)).toBe(caller.spanContext().spanId);
      expect(http.attributes).toMatchObject({ 'http.route': '/orders/:id', 'http.request.method': 'POST', 'http.response.status_code': 201, 'url.path': '/orders/42' });
    } finally {
      server.close();
    }
  });

  it('when a probe is ignored, then it gets no span', async () => {
    const { url, server } = await serve(express.json());
    try {
      const answer = await fetch(`${url}/healthz`).then((r) => r.json());
      expect(answer).toEqual({ activeSpan: null });
      expect(exporter.getFinishedSpans()).toEqual([]);
    } finally {
      server.close();
    }
  });
});

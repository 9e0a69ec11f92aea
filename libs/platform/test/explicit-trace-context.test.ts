import path from 'node:path';
import type { Server } from 'node:http';
import express from 'express';
import { createContextKey, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { errorHandler, createLogger, requestContext, resumeTrace, tagRequest, traceRequests } from '../src';
import { traceContextOf } from '../src/tracing/sdk';
import { SyncContextManager } from '../src/tracing/sync-context';

// A service that carries its trace context explicitly (the gateway): the SDK with the synchronous
// context manager, as the preload starts it for such a service.
const manager = new SyncContextManager();
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register({ contextManager: manager, propagator: new W3CTraceContextPropagator() });
afterEach(() => exporter.reset());
afterAll(() => provider.shutdown());

const KEY = createContextKey('test');
const repoRoot = path.resolve(__dirname, '..', '..', '..');

describe('the synchronous context manager', () => {
  it('when work runs in `with`, then its context is active until the work returns, nested ones are restored, and it is gone after an await', async () => {
    const outer = ROOT_CONTEXT.setValue(KEY, 'outer');
    const inner = ROOT_CONTEXT.setValue(KEY, 'inner');
    const seen: unknown[] = [];
    const pending = manager.with(outer, async () => {
      seen.push(manager.active().getValue(KEY));
      manager.with(inner, () => seen.push(manager.active().getValue(KEY)));
      seen.push(manager.active().getValue(KEY));
      await Promise.resolve();
      seen.push(manager.active().getValue(KEY));
    });
    seen.push(manager.active().getValue(KEY));
    await pending;
    expect(seen).toEqual(['outer', 'inner', 'outer', undefined, undefined]);
  });

  it('when the work throws, then the previous context is back; a bound function runs in its context wherever it is called', () => {
    const ctx = ROOT_CONTEXT.setValue(KEY, 'bound');
    expect(() => manager.with(ctx, () => { throw new Error('boom'); })).toThrow('boom');
    expect(manager.active()).toBe(ROOT_CONTEXT);
    const bound = manager.bind(ctx, function (this: { n: number }, add: number) {
      return `${String(manager.active().getValue(KEY))} ${this.n + add}`;
    });
    expect(bound.call({ n: 1 }, 2)).toBe('bound 3');
    expect(manager.active()).toBe(ROOT_CONTEXT);
  });
});

describe("a service's choice (package.json, orderPlatform.traceContext)", () => {
  it('when the script is the gateway, then its context is explicit; the other services keep the asynchronous one', () => {
    expect(traceContextOf(path.join(repoRoot, 'services', 'api-gateway', 'dist', 'main.js'))).toBe('explicit');
    for (const service of ['order-management', 'customer-service', 'inventory-service']) {
      expect(traceContextOf(path.join(repoRoot, 'services', service, 'dist', 'main.js'))).toBe('async');
    }
    expect(traceContextOf('/nowhere/dist/main.js')).toBe('async');
    expect(traceContextOf(undefined)).toBe('async');
  });
});

describe('a request whose context is carried explicitly', () => {
  async function serve(app: express.Express): Promise<{ url: string; server: Server }> {
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
  }
  const awaiting: express.RequestHandler = async (_req, _res, next) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    next();
  };
  const activeSpanId = () => trace.getActiveSpan()?.spanContext().spanId ?? null;

  it('when a middleware awaited, then the handler has no active span unless resumeTrace comes first, and requestContext finds the span either way; tags reach the SERVER span', async () => {
    const app = express();
    app.use(traceRequests());
    app.post('/lost', awaiting, express.json(), (req, res) => {
      res.json({ active: activeSpanId(), request: trace.getSpan(requestContext(req))?.spanContext().spanId });
    });
    app.post('/resumed', awaiting, express.json(), resumeTrace, async (req, res) => {
      const active = activeSpanId();
      await Promise.resolve();
      tagRequest({ 'order.id': 'o-1' }, requestContext(req));
      res.json({ active, request: trace.getSpan(requestContext(req))?.spanContext().spanId });
    });
    const { url, server } = await serve(app);
    try {
      const post = (route: string) =>
        fetch(`${url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' }).then((r) => r.json() as Promise<{ active: string | null; request?: string }>);
      const lost = await post('/lost');
      const resumed = await post('/resumed');
      const spans = exporter.getFinishedSpans();
      const lostSpan = spans.find((s) => s.name === 'POST /lost')!;
      const resumedSpan = spans.find((s) => s.name === 'POST /resumed')!;
      expect(lost).toEqual({ active: null, request: lostSpan.spanContext().spanId });
      expect(resumed).toEqual({ active: resumedSpan.spanContext().spanId, request: resumedSpan.spanContext().spanId });
      expect(resumedSpan.attributes['order.id']).toBe('o-1');
    } finally {
      server.close();
    }
  });

  it('when a handler fails past an await, then the error line still names the request trace', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger('test', 'error', { write: (line: string) => lines.push(JSON.parse(line)) });
    const app = express();
    app.use(traceRequests());
    app.get('/fails', awaiting, () => {
      throw new Error('boom');
    });
    app.use(errorHandler(logger));
    const { url, server } = await serve(app);
    try {
      expect((await fetch(`${url}/fails`)).status).toBe(500);
      const span = exporter.getFinishedSpans().find((s) => s.name === 'GET /fails')!;
      expect(lines).toEqual([expect.objectContaining({ msg: 'unhandled error', trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId })]);
    } finally {
      server.close();
    }
  });
});

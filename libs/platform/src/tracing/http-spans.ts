import { context, SpanKind, SpanStatusCode, type Context, type Span } from '@opentelemetry/api';
import { RPCType, setRPCMetadata } from '@opentelemetry/core';
import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import { contextFrom, startSpan, withSpan } from './spans';

/**
 * Each request's trace context, kept in the response's `locals` for the code that runs after an
 * await (see requestContext). Not on the request object: a property added to each request is a
 * hidden-class transition per request, the slowest line of traceRequests in a CPU profile of the
 * gateway (about 1 µs a request); `res.locals` is Express's per-request dictionary, made without a
 * prototype, where a key more is a plain insert.
 */
const REQUEST_CONTEXT = Symbol('order-platform.request-context');
interface Locals {
  [REQUEST_CONTEXT]?: Context;
}
const localsOf = (req: IncomingMessage): Locals | undefined => (req as Request).res?.locals as Locals | undefined;

/**
 * The trace context of a request that traceRequests saw: what a handler hands on after an await,
 * in a service that carries its context explicitly (sync-context.ts). The active context otherwise.
 */
export function requestContext(req: IncomingMessage): Context {
  return localsOf(req)?.[REQUEST_CONTEXT] ?? context.active();
}

/**
 * Makes the request's trace context active again for the handlers after it (an authentication or a
 * body parser that awaited lost it, where the context is explicit); free when tracing is off.
 */
export const resumeTrace: RequestHandler = (_req, res, next) => {
  const ctx = (res.locals as Locals)[REQUEST_CONTEXT];
  if (ctx === undefined || ctx === context.active()) return next();
  context.with(ctx, next);
};

/**
 * The HTTP server span of each request: ours, not @opentelemetry/instrumentation-http's. That
 * instrumentation computes every attribute and binds the request's and the response's emitters
 * (wrapping each listener body-parser and Express add) for every request, sampled or not, and
 * the express instrumentation wraps every router layer; together they were most of what tracing
 * cost the gateway (docs/benchmarks.md). Here a request whose trace is not sampled costs one
 * sampling decision and one context switch (its span kept aside, not active: see withSpan); a
 * sampled one gets the HTTP semantic attributes.
 * With AsyncLocalStorage the body parser keeps the caller's context across the body's stream
 * events (raw-body binds its callback with AsyncResource), so the handlers after it still run in the
 * request's span; where the context is explicit (the gateway), resumeTrace brings it back.
 */
export function traceRequests(options: { ignore?: RegExp } = {}): RequestHandler {
  return (req, res, next) => {
    if (options.ignore?.test(req.path)) return next();
    const parent = contextFrom(req.headers);
    const span = startSpan(req.method, { kind: SpanKind.SERVER }, parent);
    let ctx: Context = withSpan(parent, span);
    if (span.isRecording()) {
      span.setAttributes({
        'http.request.method': req.method,
        'url.path': req.path,
        'url.scheme': req.protocol,
        'network.peer.address': req.socket.remoteAddress,
        'user_agent.original': req.headers['user-agent'],
      });
      // The span routes learn about (tagRequest) is found the way instrumentations find it.
      ctx = setRPCMetadata(ctx, { type: RPCType.HTTP, span });
      // A response emits 'close' once it is done, finished or aborted.
      res.once('close', () => endServerSpan(span, req, res));
    }
    (res.locals as Locals)[REQUEST_CONTEXT] = ctx;
    context.with(ctx, next);
  };
}

function endServerSpan(span: Span, req: Request, res: Response): void {
  const route = req.route ? `${req.baseUrl}${req.route.path as string}` : undefined;
  if (route) {
    span.setAttribute('http.route', route);
    span.updateName(`${req.method} ${route}`);
  }
  if (!res.writableFinished) span.setAttribute('http.response.aborted', true);
  span.setAttribute('http.response.status_code', res.statusCode);
  if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

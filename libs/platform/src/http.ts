import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import Joi from 'joi';
import { createServer } from 'node:http';
import { closeServer, listen } from './lifecycle';
import { AppError } from './errors';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { context } from '@opentelemetry/api';
import { requestContext } from './tracing/http-spans';

export const PROBLEM_JSON = 'application/problem+json';

/** The body sendProblem writes (RFC 9457), for published documents and tests of real answers. */
export const problemSchema = Joi.object({
  type: Joi.string().required().description('`/problems/{code}`'),
  title: Joi.string().required().description('What went wrong, for people.'),
  status: Joi.number().strict().integer().min(400).max(599).required(),
  code: Joi.string().required().description('What went wrong, for programs: stable across releases.'),
  instance: Joi.string().description('The path and query of the request.'),
  errors: Joi.array()
    .items(Joi.object({ field: Joi.string().required(), message: Joi.string().required() }))
    .description('Each refused field of a validation error: the header name, the query parameter, or the dotted path in the body (`items.0.quantity`).'),
});

export function sendProblem(res: express.Response, error: AppError, instance?: string): void {
  res
    .status(error.status)
    .type(PROBLEM_JSON)
    .send(
      JSON.stringify({
        type: `/problems/${error.code}`,
        title: error.message,
        status: error.status,
        code: error.code,
        ...(instance ? { instance } : {}),
        ...(error.errors ? { errors: error.errors } : {}),
      }),
    );
}

/** body-parser reports its failures with a `type`; each maps to a client error, never a 500. */
const bodyParserErrors: Record<string, AppError> = {
  'entity.parse.failed': new AppError('malformed-json', 'The body is not valid JSON', 400),
  'entity.too.large': new AppError('payload-too-large', 'The body is larger than allowed', 413),
  'encoding.unsupported': new AppError('unsupported-encoding', 'The content encoding is not supported', 415),
  'charset.unsupported': new AppError('unsupported-charset', 'The charset is not supported', 415),
  'request.aborted': new AppError('request-aborted', 'The request was aborted', 400),
};

/**
 * The router refuses a path whose percent-encoding is not UTF-8 (a URIError with status 400), and
 * other middleware may flag a client error the same way: a 4xx, never a 500.
 */
function clientError(err: unknown): AppError | undefined {
  const { status, name } = (err ?? {}) as { status?: unknown; name?: string };
  if (name === 'URIError') return new AppError('malformed-uri', 'The request path or query is not valid percent-encoded UTF-8', 400);
  if (typeof status === 'number' && status >= 400 && status < 500) return new AppError('bad-request', 'The request could not be read', status);
  return undefined;
}

/** Unknown errors are logged here and counted by httpMetrics as 500s. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (res.headersSent) return;
    const known = err instanceof AppError ? err : (bodyParserErrors[(err as { type?: string })?.type ?? ''] ?? clientError(err));
    if (known) {
      if (known.status === 503 && !res.getHeader('Retry-After')) res.setHeader('Retry-After', '5');
      return sendProblem(res, known, req.originalUrl);
    }
    // In the request's trace context, so that the line names its trace.
    context.with(requestContext(req), () => logger.error({ err, path: req.originalUrl }, 'unhandled error'));
    sendProblem(res, new AppError('internal-error', 'Something went wrong on our side', 500), req.originalUrl);
  };
}

export const notFoundRoute: RequestHandler = (req, _res, next) =>
  next(new AppError('route-not-found', `No route for ${req.method} ${req.path}`, 404));

/** Writes must say they are JSON; a body of another type is refused before parsing. */
export function jsonBody(limit = '16kb'): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (hasBody && !req.is('application/json')) {
      return next(new AppError('unsupported-media-type', 'Send the body as application/json', 415));
    }
    next();
  };
  return [requireJson, express.json({ limit, strict: true })];
}

export function httpMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const end = process.hrtime.bigint();
    res.on('finish', () => {
      const route = req.route ? `${req.baseUrl}${req.route.path as string}` : 'unmatched';
      const labels = { method: req.method, route, status_code: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - end) / 1e9);
    });
    next();
  };
}

export interface Probes {
  /** Ready to take work: dependencies connected and not draining. */
  ready: () => boolean;
}

/** /healthz answers while the event loop turns; it never looks at the broker or the database. */
export function mountOpsRoutes(app: Express, metrics: Metrics, probes: Probes): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const ready = probes.ready();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not-ready' });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}

/** The ops server of services without a public HTTP API. */
export function createOpsApp(logger: Logger, metrics: Metrics, probes: Probes): Express {
  const app = express();
  app.disable('x-powered-by');
  mountOpsRoutes(app, metrics, probes);
  app.use(notFoundRoute);
  app.use(errorHandler(logger));
  return app;
}

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

export async function startHttpServer(app: Express, port: number): Promise<RunningServer> {
  const server = createServer(app);
  server.keepAliveTimeout = 65_000;
  const bound = await listen(server, port);
  return { port: bound, close: () => closeServer(server) };
}

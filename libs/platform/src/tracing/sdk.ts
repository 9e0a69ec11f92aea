import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SyncContextManager } from './sync-context';

/**
 * Tracing is configured only through the standard OTEL_* variables. It starts when an OTLP
 * endpoint is set and OTEL_SDK_DISABLED is not "true"; otherwise the SDK is not even loaded and
 * every span the code asks for is the API's no-op (near-zero cost).
 */
export function tracingWanted(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  if (env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/** services/<name>/dist/main.js → <name>, so a service that was given no OTEL_SERVICE_NAME still says who it is. */
export function serviceNameFrom(script: string | undefined): string | undefined {
  if (!script) return undefined;
  const parts = path.resolve(script).split(path.sep);
  const at = parts.lastIndexOf('services');
  return at >= 0 && parts[at + 1] ? parts[at + 1] : undefined;
}

/**
 * How a service carries its trace context: "async" (AsyncLocalStorage, the SDK's default: the
 * context follows every await) or "explicit" (the service hands it on itself; see
 * sync-context.ts). A service chooses in its package.json, `"orderPlatform": { "traceContext":
 * "explicit" }`, next to the dist/ its script runs from.
 */
export function traceContextOf(script: string | undefined): 'async' | 'explicit' {
  if (!script) return 'async';
  try {
    const manifest = JSON.parse(readFileSync(path.join(path.dirname(path.resolve(script)), '..', 'package.json'), 'utf8')) as { orderPlatform?: { traceContext?: string } };
    return manifest.orderPlatform?.traceContext === 'explicit' ? 'explicit' : 'async';
  } catch {
    return 'async';
  }
}

const SDK = Symbol.for('order-platform.otel-sdk');
type Holder = typeof globalThis & { [SDK]?: { shutdown(): Promise<void> } };

/** Whether this process started the SDK (the preload did, before anything else loaded). */
export function tracingActive(): boolean {
  return (globalThis as Holder)[SDK] !== undefined;
}

/**
 * Starts the OpenTelemetry SDK with the pg instrumentation (see preload.ts). HTTP server spans
 * come from traceRequests (http-spans.ts), messaging spans from libs/messaging.
 */
export function startTracing(env: NodeJS.ProcessEnv, script: string | undefined): boolean {
  if (!tracingWanted(env) || (globalThis as Holder)[SDK]) return false;
  // Traces only: metrics stay with prom-client (/metrics) and logs with pino (stdout).
  env.OTEL_METRICS_EXPORTER ??= 'none';
  env.OTEL_LOGS_EXPORTER ??= 'none';
  // W3C trace context only: the platform carries no baggage, and the baggage propagator's work on
  // every message would be for nothing.
  env.OTEL_PROPAGATORS ??= 'tracecontext';
  env.OTEL_SERVICE_NAME ??= serviceNameFrom(script);
  // A service that hands its context on explicitly has no asynchronous context for the pg
  // instrumentation to find its parent in (and the one that does so, the gateway, has no database).
  const explicit = traceContextOf(script) === 'explicit';
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when tracing is on
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const sdk = explicit
    ? new NodeSDK({ contextManager: new SyncContextManager(), instrumentations: [] })
    : new NodeSDK({ instrumentations: [pgInstrumentation()] });
  sdk.start();
  (globalThis as Holder)[SDK] = sdk;
  return true;
}

/** The pg instrumentation, loaded only for the services that use it. */
function pgInstrumentation(): import('@opentelemetry/instrumentation-pg').PgInstrumentation {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when tracing is on
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  // The instrumentation writes the stable db.system.name only; db.system is what most trace
  // searches and dashboards still ask for.
  return new PgInstrumentation({ requireParentSpan: true, requestHook: (span) => span.setAttribute('db.system', 'postgresql') });
}

/** Flushes and stops the SDK, if it runs; the lifecycle calls it last, after the drain. */
export async function stopTracing(): Promise<void> {
  const sdk = (globalThis as Holder)[SDK];
  if (!sdk) return;
  delete (globalThis as Holder)[SDK];
  await sdk.shutdown().catch(() => undefined);
}

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports';

const run = promisify(execFile);
const script = path.resolve(__dirname, '..', '..', '..', 'scripts', 'observe', 'jaeger.sh');

export interface RunningJaeger {
  /** Where services send traces (OTEL_EXPORTER_OTLP_ENDPOINT). */
  otlpEndpoint: string;
  /** Jaeger's HTTP query API. */
  queryUrl: string;
  stop(): Promise<void>;
}

/** A Jaeger of the test's own (scripts/observe/jaeger.sh, built once and cached) on free ports. */
export async function startJaeger(): Promise<RunningJaeger> {
  const runDir = mkdtempSync(path.join(tmpdir(), 'jaeger-'));
  const ports = {
    JAEGER_OTLP_GRPC_PORT: String(await freePort()),
    JAEGER_OTLP_HTTP_PORT: String(await freePort()),
    JAEGER_QUERY_PORT: String(await freePort()),
    JAEGER_QUERY_GRPC_PORT: String(await freePort()),
  };
  const env = { ...process.env, ...ports, JAEGER_RUN_DIR: runDir };
  await run('bash', [script, 'up'], { env, maxBuffer: 16 * 1024 * 1024 });
  return {
    otlpEndpoint: `http://127.0.0.1:${ports.JAEGER_OTLP_HTTP_PORT}`,
    queryUrl: `http://127.0.0.1:${ports.JAEGER_QUERY_PORT}`,
    async stop() {
      await run('bash', [script, 'down'], { env }).catch(() => undefined);
      rmSync(runDir, { recursive: true, force: true });
    },
  };
}

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: Array<{ refType: 'CHILD_OF' | 'FOLLOWS_FROM'; traceID: string; spanID: string }>;
  startTime: number;
  duration: number;
  tags: Array<{ key: string; value: unknown }>;
  processID: string;
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

/** The traces of a service whose spans carry all the given tags (Jaeger's query API). */
export async function findTraces(queryUrl: string, service: string, tags: Record<string, string>): Promise<JaegerTrace[]> {
  const query = new URLSearchParams({ service, tags: JSON.stringify(tags), lookback: '1h', limit: '20' });
  const response = await fetch(`${queryUrl}/api/traces?${query}`);
  if (!response.ok) return [];
  return ((await response.json()) as { data: JaegerTrace[] | null }).data ?? [];
}

export async function getTrace(queryUrl: string, traceId: string): Promise<JaegerTrace | undefined> {
  const response = await fetch(`${queryUrl}/api/traces/${traceId}`);
  if (!response.ok) return undefined;
  return ((await response.json()) as { data: JaegerTrace[] }).data[0];
}

export const tagOf = (span: JaegerSpan, key: string): unknown => span.tags.find((t) => t.key === key)?.value;

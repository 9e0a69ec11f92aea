import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Tracing off (no endpoint); on with nothing sampled ('0': what the SDK costs before a span is recorded); at 0.1; at 1.0. */
export type TracingMode = 'off' | '0' | '0.1' | '1.0';
export const allTracingModes: TracingMode[] = ['off', '0', '0.1', '1.0'];
/** What `npm run bench` measures unless --tracing-modes says otherwise. */
export const tracingModes: TracingMode[] = ['off', '0.1', '1.0'];

/**
 * An OTLP/HTTP endpoint that accepts every export and keeps only its size: the services pay what
 * exporting costs them, and nothing on this machine pays for storing the spans, as with a
 * collector on other machines in production.
 */
export async function startOtlpSink(): Promise<{ url: string; received: () => { exports: number; bytes: number }; close: () => Promise<void> }> {
  let exports = 0;
  let bytes = 0;
  const server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      exports += 1;
      // An empty ExportTraceServiceResponse: every span accepted.
      res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => ({ exports, bytes }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The services' environment for a mode: no endpoint (tracing off), or the sink with a sampler. */
export function tracingEnv(mode: TracingMode, endpoint: string): Record<string, string> {
  if (mode === 'off') return { OTEL_EXPORTER_OTLP_ENDPOINT: '' };
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    ...(mode === '1.0' ? { OTEL_TRACES_SAMPLER: 'parentbased_always_on' } : { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: mode }),
  };
}

/** The median; of an even count, the mean of the two middle values; NaN of none. */
export const median = (xs: number[]): number => {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

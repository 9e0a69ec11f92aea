import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoadResult } from '../load/run-load';
import { isClean } from '../report/load-summary';
import { localEnv } from '../repo';
import type { SpawnedPlatform } from '../target/spawned-platform';

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

export interface TracingRun {
  mode: TracingMode;
  processedPerSecond: number;
  /** CPU seconds per 1,000 orders, the four services together. */
  servicesCpuPer1000: number;
  /** What the sink received during the run. */
  exportedBytes: number;
  clean: boolean;
}

export interface TracingCost {
  /** The modes measured, tracing off first. */
  modes: TracingMode[];
  /**
   * The offered rate of the measured phases (open loop), when one was set: then every mode works
   * at the same pace with batches alike, and CPU per order is the figure that compares.
   */
  rate?: number;
  rounds: number;
  orders: number;
  runs: TracingRun[];
  /** Per mode measured: the median processed/s and services' CPU per 1,000 orders over the rounds. */
  medians: Partial<Record<TracingMode, { processedPerSecond: number; servicesCpuPer1000: number }>>;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Per mode, the change against tracing off (negative: slower). */
export const againstOff = (cost: TracingCost, mode: TracingMode): { throughput: number; cpu: number } => {
  const [m, off] = [cost.medians[mode]!, cost.medians.off!];
  return { throughput: m.processedPerSecond / off.processedPerSecond - 1, cpu: m.servicesCpuPer1000 / off.servicesCpuPer1000 - 1 };
};

/**
 * What tracing costs the pipeline: round after round, each mode in turn (the order rotating, so a
 * drift of the machine spreads over all of them), the four services restarted with the mode's
 * OTEL_* variables, warmed up, then `orders` orders through the whole pipeline. Leaves the
 * services as they were (tracing off).
 */
export async function measureTracingCost(
  platform: SpawnedPlatform,
  options: {
    modes?: TracingMode[];
    rounds: number;
    orders: number;
    /** Orders/s of the measured phases (open loop); closed loop without it. */
    rate?: number;
    baseEnv: Record<string, string>;
    phase: (title: string, orders: number, rate?: number) => Promise<LoadResult>;
  },
): Promise<TracingCost> {
  const modes = options.modes ?? tracingModes;
  const sink = await startOtlpSink();
  const runs: TracingRun[] = [];
  try {
    for (let round = 0; round < options.rounds; round += 1) {
      for (let i = 0; i < modes.length; i += 1) {
        const mode = modes[(i + round) % modes.length];
        for (const service of localEnv.services) await platform.restart(service, { ...options.baseEnv, ...tracingEnv(mode, sink.url) });
        // Unmeasured: a restarted service compiles its hot paths and loads what it loads lazily (the
        // exporter's transport on its first export), once, and that is not what an order costs.
        await options.phase(`tracing ${mode}: warm-up, not measured`, Math.min(3000, options.orders));
        const before = sink.received().bytes;
        const result = await options.phase(`tracing ${mode} (round ${round + 1} of ${options.rounds})`, options.orders, options.rate);
        const cpu = result.resources.filter((u) => (localEnv.services as string[]).includes(u.name)).reduce((sum, u) => sum + u.cpuPer1000, 0);
        runs.push({
          mode,
          processedPerSecond: result.processedPerSecond,
          servicesCpuPer1000: cpu,
          exportedBytes: sink.received().bytes - before,
          clean: isClean(result),
        });
      }
    }
  } finally {
    for (const service of localEnv.services) await platform.restart(service, options.baseEnv);
    await sink.close();
  }
  const of = (mode: TracingMode) => runs.filter((r) => r.mode === mode);
  const medians = Object.fromEntries(
    modes.map((mode) => [mode, { processedPerSecond: median(of(mode).map((r) => r.processedPerSecond)), servicesCpuPer1000: median(of(mode).map((r) => r.servicesCpuPer1000)) }]),
  ) as TracingCost['medians'];
  return { modes, ...(options.rate ? { rate: options.rate } : {}), rounds: options.rounds, orders: options.orders, runs, medians };
}

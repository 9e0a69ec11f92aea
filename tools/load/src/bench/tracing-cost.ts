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
  /** The round the run belongs to (from 0): its modes ran one after the other. */
  round?: number;
  processedPerSecond: number;
  /** CPU seconds per 1,000 orders, the four services together. */
  servicesCpuPer1000: number;
  /** CPU seconds per 1,000 orders of each process the run watched (each service, RabbitMQ, Postgres, the machine). */
  cpuPer1000ByProcess?: Record<string, number>;
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

/** The median; of an even count, the mean of the two middle values; NaN of none. */
export const median = (xs: number[]): number => {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Per process the runs of a mode watched, the median CPU seconds per 1,000 orders. */
export function processMedians(cost: TracingCost, mode: TracingMode): Record<string, number> {
  const runs = cost.runs.filter((r) => r.mode === mode && r.cpuPer1000ByProcess);
  const names = [...new Set(runs.flatMap((r) => Object.keys(r.cpuPer1000ByProcess!)))];
  return Object.fromEntries(names.map((name) => [name, median(runs.map((r) => r.cpuPer1000ByProcess![name]).filter(Number.isFinite))]));
}

/** Each run with its round (runs kept before the round was recorded are in round order, every mode once per round). */
const withRounds = (cost: TracingCost): Array<TracingRun & { round: number }> =>
  cost.runs.map((run, i) => ({ ...run, round: run.round ?? Math.floor(i / (cost.modes ?? tracingModes).length) }));

export interface AgainstOff {
  /** Processed/s against off (negative: slower). */
  throughput: number;
  /** Services' CPU per order against off (positive: dearer). */
  cpu: number;
  /** The machine's CPU per order (every process, RabbitMQ and Postgres too) against off, when recorded. */
  machineCpu?: number;
  /** The smallest and largest change of services' CPU among the rounds. */
  cpuRange: [number, number];
}

/**
 * Per mode, the change against tracing off: in each round the mode's run against that round's off
 * run (run next to it, so a drift of the machine over the bench cancels), then the median over the
 * rounds.
 */
export function againstOff(cost: TracingCost, mode: TracingMode): AgainstOff {
  const runs = withRounds(cost);
  const pairs = runs
    .filter((r) => r.mode === mode)
    .map((r) => [r, runs.find((o) => o.mode === 'off' && o.round === r.round)] as const)
    .filter((pair): pair is readonly [TracingRun & { round: number }, TracingRun & { round: number }] => pair[1] !== undefined);
  // Per round, the run's figure against the off run's; rounds without the figure left out.
  const ratios = (of: (r: TracingRun) => number | undefined) => pairs.map(([r, off]) => (of(r) ?? NaN) / (of(off) ?? NaN) - 1).filter(Number.isFinite);
  const cpus = ratios((r) => r.servicesCpuPer1000);
  const machine = ratios((r) => r.cpuPer1000ByProcess?.['machine (all)']);
  return {
    throughput: median(ratios((r) => r.processedPerSecond)),
    cpu: median(cpus),
    machineCpu: machine.length ? median(machine) : undefined,
    cpuRange: [Math.min(...cpus), Math.max(...cpus)],
  };
}

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
          round,
          processedPerSecond: result.processedPerSecond,
          servicesCpuPer1000: cpu,
          cpuPer1000ByProcess: Object.fromEntries(result.resources.map((u) => [u.name, u.cpuPer1000])),
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

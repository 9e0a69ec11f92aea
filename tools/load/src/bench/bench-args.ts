import { parseArgs } from 'node:util';
import type { ProgressMode } from '../load/progress';
import { allTracingModes, tracingModes, type TracingMode } from './tracing-cost';

export type BenchTopology = 'single' | 'ha';

export interface BenchArgs {
  /** single: the full bench on the test profile; ha: classic on one node against the HA topology. */
  topology: BenchTopology;
  /** With --topology ha: one long run on the HA topology, sampling the nodes' memory and disk. */
  memory: boolean;
  orders: number;
  pipelineSeconds?: number;
  /** With --topology ha: seconds of each leg's open-loop phase at a common rate. */
  latencySeconds: number;
  /** With --topology ha: how many times the legs take turns. */
  rounds: number;
  /** With --memory: seconds between two samples of memory and disk. */
  sampleSeconds: number;
  concurrency: number;
  customers: number;
  mqMessages: number;
  brokerCostSeconds: number;
  dbRows: number;
  naiveSeconds: number;
  reads: number;
  tracingRounds: number;
  tracingOrders: number;
  tracingModes: TracingMode[];
  /** Orders/s of the tracing twins; undefined: half the pipeline's rate. */
  tracingRate?: number;
  profile: boolean;
  fresh: boolean;
  serviceNodeOptions?: string;
  out?: string;
  json: boolean;
  progress: ProgressMode;
  verbose: boolean;
  help: boolean;
}

export const benchUsage = `npm run bench -- [options]

Starts its own platform (test profile) and measures, in one run: R_http (the gateway alone on
POST /v1/orders/validate), R_mq (broker publish+confirm, consume+ack), R_db (one row per
transaction), the full pipeline, the pipeline at 70% of its rate, the naive pipeline (batch 1,
prefetch 1, one consumer), what tracing at 0.1 and at 1.0 costs each service and the pipeline
(twin services, untraced and traced, side by side), and a CPU-profiled pipeline run; prints the
figures and the ratios.

  --topology T            single (default: everything above), or ha: in one run, the pipeline on
                          the single-node classic test profile, on npm run ha's topology (three
                          nodes, quorum queues, PostgreSQL primary and synchronous standby), and
                          on the same with the standby asynchronous; side by side, with ratios,
                          the cost of synchronous replication and what limits each (PLATFORM_TEST_SLOT
                          picks the topology's nodes and ports)
  --memory                with --topology ha: one run of --orders (default 1000000) on the HA
                          topology, sampling every node's RSS, both clusters' memory, the quorum
                          queue directories, pg_wal and replication slots; start, peak and end
  --orders N              orders per load phase (default 20000)
  --pipeline-seconds S    run the pipeline phase for S seconds instead (a sustained run; with
                          --topology ha each leg's saturating phase, default 40)
  --latency-seconds S     with --topology ha: each leg's open-loop phase at one rate for all, 70%
                          of the slowest leg's sustained rate (default 20)
  --rounds N              with --topology ha: the legs take turns N times, in a rotating order
                          (default 1); the figures are the means, with each round's rate
  --sample-seconds S      with --memory: between two samples (default 5)
  --concurrency C         requests in flight (default 64)
  --customers N           fresh customers per load phase (default 500)
  --mq-messages N         messages for R_mq (default 50000)
  --broker-cost-seconds S  seconds of each broker-cost measurement (default 8; 0 skips it)
  --db-rows N             rows for R_db at each concurrency (default 5000; with --topology ha,
                          for each leg's commit round trip)
  --naive-seconds S       measuring window of the naive pipeline (default 20)
  --reads N               GET samples after the pipeline phase (default 1000)
  --tracing-rounds R      rounds of the tracing twins (each traced mode in turn; default 5; 0 skips):
                          an untraced and a traced instance of each service side by side under
                          the same load, compared by CPU per order; the pipeline's share from
                          its CPU per order (four services, RabbitMQ, Postgres)
  --tracing-orders N      orders per part of a twin round (default 20000)
  --tracing-modes M       off and the traced modes, comma-separated, off first: 0 (the SDK on,
                          nothing sampled), 0.1, 1.0 (default off,0.1,1.0)
  --tracing-rate R        orders/s offered to the twins (default: half the pipeline's measured rate)
  --no-profile            skip the CPU-profiled run
  --fresh                 empty the test databases' orders and reservations first (customers and
                          products stay), so runs start alike and compare; with --topology ha
                          also the HA topology's
  --service-node-options=O  NODE_OPTIONS for every service (experiments, e.g. a --require preload)
  --out DIR               where bench.json, summary.txt, bench-report.html and profiles go
                          (default reports/bench/<time>)
  --json                  print the result as JSON on stdout
  --progress MODE         bar, lines or none
  --verbose               echo the services' output
`;

export function parseBenchArgs(argv: string[]): BenchArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      topology: { type: 'string' },
      memory: { type: 'boolean', default: false },
      orders: { type: 'string' },
      'pipeline-seconds': { type: 'string' },
      'latency-seconds': { type: 'string' },
      'sample-seconds': { type: 'string' },
      rounds: { type: 'string' },
      concurrency: { type: 'string' },
      customers: { type: 'string' },
      'mq-messages': { type: 'string' },
      'broker-cost-seconds': { type: 'string' },
      'db-rows': { type: 'string' },
      'naive-seconds': { type: 'string' },
      reads: { type: 'string' },
      'tracing-rounds': { type: 'string' },
      'tracing-orders': { type: 'string' },
      'tracing-modes': { type: 'string' },
      'tracing-rate': { type: 'string' },
      'no-profile': { type: 'boolean', default: false },
      fresh: { type: 'boolean', default: false },
      'service-node-options': { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
      progress: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const num = (name: string, fallback: number): number => {
    const raw = (values as Record<string, unknown>)[name] as string | undefined;
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number, not "${raw}"`);
    return value;
  };
  const progress = values.progress ?? (process.stderr.isTTY ? 'bar' : 'lines');
  if (!['bar', 'lines', 'none'].includes(progress)) throw new Error('--progress must be bar, lines or none');
  const topology = values.topology ?? 'single';
  if (topology !== 'single' && topology !== 'ha') throw new Error(`--topology must be single or ha, not "${topology}"`);
  if (values.memory && topology !== 'ha') throw new Error('--memory needs --topology ha');
  const ha = topology === 'ha';
  const sampleSeconds = num('sample-seconds', 5);
  if (sampleSeconds === 0) throw new Error('--sample-seconds must be more than 0');
  const modes = (values['tracing-modes'] ?? tracingModes.join(',')).split(',').map((m) => m.trim()) as TracingMode[];
  const unknown = modes.filter((m) => !allTracingModes.includes(m));
  if (unknown.length > 0) throw new Error(`--tracing-modes takes ${allTracingModes.join(', ')}, not ${unknown.join(', ')}`);
  if (modes[0] !== 'off' || new Set(modes).size !== modes.length) throw new Error('--tracing-modes must start with off, each mode once: the others are compared with it');
  const rounds = num('rounds', 1);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a whole number of at least 1');
  // Twins run open loop: both instances of a pair must see the same pace.
  const tracingRate = () => {
    if (values['tracing-rate'] === undefined) return undefined;
    const r = num('tracing-rate', 0);
    if (!(r >= 2)) throw new Error('--tracing-rate takes the orders/s offered to the twins (2 or more)');
    return r;
  };
  return {
    topology,
    memory: values.memory,
    orders: num('orders', values.memory ? 1_000_000 : 20_000),
    pipelineSeconds: values['pipeline-seconds'] === undefined ? (ha ? 40 : undefined) : num('pipeline-seconds', 60),
    latencySeconds: num('latency-seconds', 20),
    rounds,
    sampleSeconds,
    concurrency: num('concurrency', 64),
    customers: num('customers', 500),
    mqMessages: num('mq-messages', 50_000),
    brokerCostSeconds: num('broker-cost-seconds', 8),
    dbRows: num('db-rows', 5000),
    naiveSeconds: num('naive-seconds', 20),
    reads: num('reads', 1000),
    tracingRounds: num('tracing-rounds', 5),
    tracingOrders: num('tracing-orders', 20_000),
    tracingModes: modes,
    tracingRate: tracingRate(),
    profile: !values['no-profile'],
    fresh: values.fresh,
    serviceNodeOptions: values['service-node-options'],
    out: values.out,
    json: values.json,
    progress: progress as ProgressMode,
    verbose: values.verbose,
    help: values.help,
  };
}

import { parseArgs } from 'node:util';
import type { ProgressMode } from '../load/progress';

export interface BenchArgs {
  orders: number;
  pipelineSeconds?: number;
  concurrency: number;
  customers: number;
  mqMessages: number;
  brokerCostSeconds: number;
  dbRows: number;
  naiveSeconds: number;
  reads: number;
  tracingRounds: number;
  tracingOrders: number;
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
prefetch 1, one consumer), the pipeline with tracing off, at 0.1 and at 1.0, and a CPU-profiled
pipeline run; prints the figures and the ratios.

  --orders N              orders per load phase (default 20000)
  --pipeline-seconds S    run the pipeline phase for S seconds instead (a sustained run)
  --concurrency C         requests in flight (default 64)
  --customers N           fresh customers per load phase (default 500)
  --mq-messages N         messages for R_mq (default 50000)
  --broker-cost-seconds S  seconds of each broker-cost measurement (default 8; 0 skips it)
  --db-rows N             rows for R_db at each concurrency (default 5000)
  --naive-seconds S       measuring window of the naive pipeline (default 20)
  --reads N               GET samples after the pipeline phase (default 1000)
  --tracing-rounds R      rounds of the tracing phases (off, 0.1, 1.0 in turn; default 2; 0 skips)
  --tracing-orders N      orders per tracing phase (default 10000)
  --no-profile            skip the CPU-profiled run
  --fresh                 empty the test databases' orders and reservations first (customers and
                          products stay), so runs start alike and compare
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
      orders: { type: 'string' },
      'pipeline-seconds': { type: 'string' },
      concurrency: { type: 'string' },
      customers: { type: 'string' },
      'mq-messages': { type: 'string' },
      'broker-cost-seconds': { type: 'string' },
      'db-rows': { type: 'string' },
      'naive-seconds': { type: 'string' },
      reads: { type: 'string' },
      'tracing-rounds': { type: 'string' },
      'tracing-orders': { type: 'string' },
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
  return {
    orders: num('orders', 20_000),
    pipelineSeconds: values['pipeline-seconds'] === undefined ? undefined : num('pipeline-seconds', 60),
    concurrency: num('concurrency', 64),
    customers: num('customers', 500),
    mqMessages: num('mq-messages', 50_000),
    brokerCostSeconds: num('broker-cost-seconds', 8),
    dbRows: num('db-rows', 5000),
    naiveSeconds: num('naive-seconds', 20),
    reads: num('reads', 1000),
    tracingRounds: num('tracing-rounds', 2),
    tracingOrders: num('tracing-orders', 10_000),
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

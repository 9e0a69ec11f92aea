import { parseArgs } from 'node:util';
import path from 'node:path';
import type { ProgressMode } from '../load/progress';
import type { LoadOptions } from '../load/run-load';
import type { Profile } from '../repo';

/** The run's own options come from the command line as they are; the rest picks the target. */
export interface LoadArgs extends Pick<LoadOptions, 'orders' | 'durationSeconds' | 'rate' | 'concurrency' | 'customers' | 'outOfStockShare'> {
  spawn: boolean;
  fresh: boolean;
  gateway?: string;
  profile: Profile;
  validateOnly: boolean;
  drainTimeoutSeconds: number;
  reads: number;
  json: boolean;
  progress: ProgressMode;
  verbose: boolean;
  serviceNodeOptions?: string;
  cpuProfileDir?: string;
  report?: string;
  help: boolean;
}

export const loadUsage = `npm run load -- [options]

Drives POST /v1/orders through the gateway, follows every accepted order to CONFIRMED/REJECTED,
reconciles with the orders database and prints throughput, latency and resource use.

  --orders N          orders to send (default 10000)
  --duration S        stop sending after S seconds, whichever comes first
  --rate R            open loop at R orders/s; without it, closed loop as fast as --concurrency allows
  --concurrency C     requests in flight / HTTP connections (default 64)
  --customers N       fresh customers created for the run (default 500)
  --oos-share F       share of orders with a sold-out product (default 0.05)
  --spawn             start a platform of its own (test profile, free ports) instead of npm start's
  --fresh             with --spawn: empty the test databases' orders and reservations first
                      (customers and products stay), so runs start alike and compare
  --gateway URL       gateway of a running platform (default http://127.0.0.1:3000)
  --profile P         dev (npm start, default) or test: which databases a running platform uses
  --validate-only     POST /v1/orders/validate instead: the gateway alone, nothing published
  --drain-timeout S   how long to wait for accepted orders to finish (default 120)
  --reads N           after the run, time N GET /v1/orders/{id} and N first pages (default 0)
  --json              print the result as JSON on stdout
  --report FILE       where the HTML report with the charts goes (default reports/load-report.html)
  --progress MODE     bar, lines or none (default: bar on a terminal, lines otherwise)
  --verbose           echo the spawned services' output
  --service-node-options=O  NODE_OPTIONS for the spawned services (experiments; note the =)
  --cpu-prof DIR      with --spawn: each service writes a V8 CPU profile into DIR when the run ends
                      (npm run -w @shop/load-tools profile -- DIR/*.cpuprofile summarises them)
`;

const positive = (name: string, value: string | undefined, integer = true): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new Error(`--${name} must be a positive ${integer ? 'integer' : 'number'}, not "${value}"`);
  return n;
};

export function parseLoadArgs(argv: string[]): LoadArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      orders: { type: 'string' },
      duration: { type: 'string' },
      rate: { type: 'string' },
      concurrency: { type: 'string' },
      customers: { type: 'string' },
      'oos-share': { type: 'string' },
      spawn: { type: 'boolean', default: false },
      fresh: { type: 'boolean', default: false },
      gateway: { type: 'string' },
      profile: { type: 'string', default: 'dev' },
      'validate-only': { type: 'boolean', default: false },
      'drain-timeout': { type: 'string' },
      reads: { type: 'string' },
      json: { type: 'boolean', default: false },
      progress: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      'service-node-options': { type: 'string' },
      'cpu-prof': { type: 'string' },
      report: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const share = Number(values['oos-share'] ?? 0.05);
  if (!(share >= 0 && share <= 1)) throw new Error('--oos-share must be between 0 and 1');
  if (values.profile !== 'dev' && values.profile !== 'test') throw new Error('--profile must be dev or test');
  if (values.fresh && !values.spawn) throw new Error('--fresh empties the test databases: it needs --spawn');
  if (values['cpu-prof'] !== undefined && !values.spawn) throw new Error('--cpu-prof profiles the services it starts: it needs --spawn');
  const progress = values.progress ?? (process.stderr.isTTY ? 'bar' : 'lines');
  if (!['bar', 'lines', 'none'].includes(progress)) throw new Error('--progress must be bar, lines or none');
  return {
    orders: positive('orders', values.orders) ?? (values.duration ? Number.MAX_SAFE_INTEGER : 10_000),
    durationSeconds: positive('duration', values.duration, false),
    rate: positive('rate', values.rate, false),
    concurrency: positive('concurrency', values.concurrency) ?? 64,
    customers: positive('customers', values.customers) ?? 500,
    outOfStockShare: share,
    spawn: values.spawn,
    fresh: values.fresh,
    gateway: values.gateway,
    profile: values.profile,
    validateOnly: values['validate-only'],
    drainTimeoutSeconds: positive('drain-timeout', values['drain-timeout'], false) ?? 120,
    reads: values.reads === undefined ? 0 : (positive('reads', values.reads) ?? 0),
    json: values.json,
    progress: progress as ProgressMode,
    verbose: values.verbose,
    serviceNodeOptions: values['service-node-options'],
    cpuProfileDir: values['cpu-prof'] === undefined ? undefined : path.resolve(values['cpu-prof']),
    report: values.report,
    help: values.help,
  };
}

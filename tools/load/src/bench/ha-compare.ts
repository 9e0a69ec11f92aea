import { Client } from 'pg';
import { runLoad, type LoadOptions, type LoadResult } from '../load/run-load';
import type { SpawnedPlatform } from '../target/spawned-platform';
import type { BenchArgs } from './bench-args';
import { measureDatabase, type DatabaseBaseline } from './database-baseline';

export type LegName = 'classic, 1 node' | 'HA, sync standby' | 'HA, async standby';

/** What the database did during a leg's saturating phase, from the primary's statistics. */
export interface DatabaseWork {
  commits: number;
  walSyncs: number;
  walBytes: number;
}

export interface Leg {
  name: LegName;
  /** Closed loop at the bench's concurrency for --pipeline-seconds: the sustained rate. */
  saturated: LoadResult;
  /** Open loop at the same rate in every leg: latency compared at equal load. */
  atRate: LoadResult;
  database: DatabaseWork;
  /** Single-row transactions at concurrency 2 on the leg's primary: a commit's round trip. */
  commit: DatabaseBaseline;
}

async function databaseWork(databaseUrl: string): Promise<DatabaseWork> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT (SELECT sum(xact_commit) FROM pg_stat_database)::float8 AS commits, wal_sync::float8 AS "walSyncs", wal_bytes::float8 AS "walBytes" FROM pg_stat_wal`,
    );
    return rows[0] as DatabaseWork;
  } finally {
    await client.end();
  }
}

const minus = (a: DatabaseWork, b: DatabaseWork): DatabaseWork => ({ commits: a.commits - b.commits, walSyncs: a.walSyncs - b.walSyncs, walBytes: a.walBytes - b.walBytes });

/**
 * One leg of `--topology ha` on a started platform: a warm-up when asked, the saturating phase
 * (the database's commits and WAL syncs counted around it), the commit round trip, then five
 * unmeasured seconds and the open-loop phase at `rate` (default: 70 % of this leg's own rate).
 */
export async function runLeg(
  platform: SpawnedPlatform,
  name: LegName,
  args: BenchArgs,
  say: (line: string) => void,
  options: { warmup: boolean; rate?: number },
): Promise<Leg> {
  const common: Omit<LoadOptions, 'orders'> = {
    gatewayUrl: platform.gatewayUrl,
    ordersDatabaseUrl: platform.ordersDatabaseUrl,
    concurrency: args.concurrency,
    customers: args.customers,
    outOfStockShare: 0.05,
    drainTimeoutSeconds: 300,
    progress: args.progress,
    probes: platform.probes(),
    brokerUrl: platform.brokerUrl,
  };
  const phase = async (title: string, extra: Partial<LoadOptions> & { orders: number }): Promise<LoadResult> => {
    say(`${name}: ${title}`);
    const result = await runLoad({ ...common, label: `${name}: ${title}`, ...extra });
    platform.assertAlive();
    return result;
  };

  if (options.warmup) await phase('warm-up (not measured)', { orders: 3000, customers: 50 });
  const before = await databaseWork(platform.ordersDatabaseUrl);
  const seconds = args.pipelineSeconds ?? 40;
  const saturated = await phase(`saturated, ${seconds} s`, { orders: Number.MAX_SAFE_INTEGER, durationSeconds: seconds });
  const database = minus(await databaseWork(platform.ordersDatabaseUrl), before);
  say(`${name}: commit round trip (${args.dbRows} single-row transactions, concurrency 2)`);
  const commit = await measureDatabase({ databaseUrl: platform.ordersDatabaseUrl, rows: args.dbRows, concurrency: 2 });
  const rate = options.rate ?? Math.max(1, Math.round(saturated.processedPerSecond * 0.7));
  await phase(`settling at ${rate}/s (not measured)`, { orders: rate * 5, rate, customers: 50 });
  const atRate = await phase(`open loop at ${rate}/s, ${args.latencySeconds} s`, { orders: Math.max(1, Math.round(rate * args.latencySeconds)), rate });
  return { name, saturated, atRate, database, commit };
}

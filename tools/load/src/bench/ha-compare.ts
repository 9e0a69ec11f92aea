import { Client } from 'pg';
import { benchLoadOptions } from './load-options';
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
  /** 1-based: with --rounds N the legs take turns, in a rotating order, N times. */
  round: number;
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

/** The phases of a leg against one started platform. */
export class LegRunner {
  private readonly common: Omit<LoadOptions, 'orders'>;

  constructor(
    private readonly platform: SpawnedPlatform,
    private readonly args: BenchArgs,
    private readonly say: (line: string) => void,
  ) {
    this.common = benchLoadOptions(platform, args);
  }

  warmup(name: LegName): Promise<LoadResult> {
    return this.phase(name, 'warm-up (not measured)', { orders: 3000, customers: 50 });
  }

  /** The sustained rate, the database's commits and WAL syncs around it, then a commit's round trip. */
  async saturated(name: LegName): Promise<Pick<Leg, 'saturated' | 'database' | 'commit'>> {
    const before = await databaseWork(this.platform.ordersDatabaseUrl);
    const seconds = this.args.pipelineSeconds ?? 40;
    const saturated = await this.phase(name, `saturated, ${seconds} s`, { orders: Number.MAX_SAFE_INTEGER, durationSeconds: seconds });
    const database = minus(await databaseWork(this.platform.ordersDatabaseUrl), before);
    this.say(`${name}: commit round trip (${this.args.dbRows} single-row transactions, concurrency 2)`);
    const commit = await measureDatabase({ databaseUrl: this.platform.ordersDatabaseUrl, rows: this.args.dbRows, concurrency: 2 });
    return { saturated, database, commit };
  }

  /** Five unmeasured seconds at the rate (a saturating phase leaves work behind), then the measured ones. */
  async atRate(name: LegName, rate: number): Promise<LoadResult> {
    await this.phase(name, `settling at ${rate}/s (not measured)`, { orders: rate * 5, rate, customers: 50 });
    return this.phase(name, `open loop at ${rate}/s, ${this.args.latencySeconds} s`, { orders: Math.max(1, Math.round(rate * this.args.latencySeconds)), rate });
  }

  private async phase(name: LegName, title: string, extra: Partial<LoadOptions> & { orders: number }): Promise<LoadResult> {
    this.say(`${name}: ${title}`);
    const result = await runLoad({ ...this.common, label: `${name}: ${title}`, ...extra });
    this.platform.assertAlive();
    return result;
  }
}

import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';
import { parsePss, parseVmRss, type FootprintMetric, type FootprintSample } from '../probes/footprint';
import { localEnv } from '../repo';
import { haDatabaseUrl, rabbitHome, type HaPostgresCluster } from '../target/ha-topology';

/** Bytes a directory tree takes on disk (allocated blocks, so sparse or preallocated files count as they are). */
async function diskUsage(dir: string): Promise<number | undefined> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => undefined);
  if (!entries) return undefined;
  let total = 0;
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += (await diskUsage(full)) ?? 0;
    else total += await stat(full).then((s) => s.blocks * 512, () => 0);
  }
  return total;
}

/** The node's Ra directory (quorum queue WAL and segment files): <home>/mnesia/<node>@<host>/quorum. */
async function quorumDir(node: string): Promise<string | undefined> {
  const base = path.join(rabbitHome(node), 'mnesia');
  const names = await readdir(base).catch(() => [] as string[]);
  const own = names.find((n) => n.startsWith(`${node}@`) && !n.includes('-', node.length + 1));
  return own && path.join(base, own, 'quorum');
}

async function nodeRss(node: string): Promise<number | undefined> {
  const pid = (await readFile(path.join(rabbitHome(node), 'pid'), 'utf8').catch(() => '')).trim();
  if (!/^\d+$/.test(pid)) return undefined;
  return parseVmRss(await readFile(`/proc/${pid}/status`, 'utf8').catch(() => ''));
}

/** Sum of Pss over a cluster's processes: shared buffers counted once, unlike a sum of RSS. */
async function clusterPss(cluster: string): Promise<number | undefined> {
  let total = 0;
  let found = false;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    if ((await readFile(`/proc/${entry}/comm`, 'utf8').catch(() => '')).trim() !== 'postgres') continue;
    if (!(await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).includes(`/${cluster}`)) continue;
    const pss = parsePss(await readFile(`/proc/${entry}/smaps_rollup`, 'utf8').catch(() => ''));
    if (pss === undefined) continue;
    total += pss;
    found = true;
  }
  return found ? total : undefined;
}

/**
 * Samples, on the HA topology: each RabbitMQ node's RSS and quorum directory, each cluster's
 * memory and pg_wal, the primary's replication slots (count, WAL they retain) and how far the
 * standby's replay is behind the primary.
 */
export class HaFootprint {
  readonly metrics: FootprintMetric[];
  private readonly nodes = localEnv.haInfrastructure.rabbitmq.nodes.map((n) => n.node);

  constructor(private readonly clusters: HaPostgresCluster[]) {
    this.metrics = [
      ...this.nodes.map((_, i) => ({ name: `rabbitmq-${i + 1} RSS`, unit: 'bytes' as const })),
      ...this.nodes.map((_, i) => ({ name: `rabbitmq-${i + 1} quorum dir`, unit: 'bytes' as const })),
      ...clusters.map((c) => ({ name: `postgres ${c.role} memory (PSS)`, unit: 'bytes' as const })),
      ...clusters.map((c) => ({ name: `postgres ${c.role} pg_wal`, unit: 'bytes' as const })),
      { name: 'replication slots', unit: 'count' },
      { name: 'WAL retained by slots', unit: 'bytes' },
      { name: 'standby replay lag', unit: 'bytes' },
    ];
  }

  async sample(t: number): Promise<FootprintSample> {
    const values: FootprintSample['values'] = {};
    await Promise.all([
      ...this.nodes.map(async (node, i) => {
        values[`rabbitmq-${i + 1} RSS`] = await nodeRss(node);
        const dir = await quorumDir(node);
        values[`rabbitmq-${i + 1} quorum dir`] = dir ? await diskUsage(dir) : undefined;
      }),
      ...this.clusters.map(async (c) => {
        values[`postgres ${c.role} memory (PSS)`] = await clusterPss(c.cluster);
        values[`postgres ${c.role} pg_wal`] = await diskUsage(path.join(c.dataDir, 'pg_wal'));
      }),
      this.replication().then((r) => Object.assign(values, r)),
    ]);
    return { t, values };
  }

  private async replication(): Promise<FootprintSample['values']> {
    const [primary, standby] = this.clusters;
    const query = async (cluster: HaPostgresCluster | undefined, sql: string, params: string[] = []) => {
      if (!cluster) return undefined;
      const client = new Client({ connectionString: haDatabaseUrl(cluster), connectionTimeoutMillis: 2000 });
      try {
        await client.connect();
        return (await client.query(sql, params)).rows[0];
      } catch {
        return undefined;
      } finally {
        await client.end().catch(() => undefined);
      }
    };
    const [slots, replayed] = await Promise.all([
      query(
        primary,
        `SELECT count(*)::int AS n, coalesce(sum(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)), 0)::float8 AS retained,
                pg_current_wal_lsn()::text AS current FROM pg_replication_slots`,
      ),
      query(standby, 'SELECT pg_last_wal_replay_lsn()::text AS lsn'),
    ]);
    // Both positions read at nearly the same moment; the difference is WAL the standby has yet to replay.
    const lag = slots && replayed?.lsn ? await query(primary, 'SELECT pg_wal_lsn_diff($1::pg_lsn, $2::pg_lsn)::float8 AS lag', [slots.current, replayed.lsn]) : undefined;
    return {
      'replication slots': slots?.n,
      'WAL retained by slots': slots?.retained,
      'standby replay lag': lag ? Math.max(0, lag.lag) : undefined,
    };
  }
}

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { commandProbe, pidFileProbe } from '../probes/proc-probes';
import type { ResourceProbe } from '../probes/probe';
import { localEnv, repoRoot } from '../repo';

/** One command of scripts/ha/ha.sh on this slot's HA topology (npm run ha's nodes and clusters); its stdout. */
export function haScript(...args: string[]): string {
  return execFileSync('bash', [path.join(repoRoot, 'scripts', 'ha', 'ha.sh'), ...args], {
    env: { ...process.env, ...localEnv.haEnv() },
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 300_000,
  })
    .toString()
    .trim();
}

/**
 * The bench loads (and with --fresh empties) the databases of npm run ha on the same slot, and
 * changes its primary's synchronous_standby_names: not while npm run ha serves them.
 */
export async function assertHaServicesStopped(): Promise<void> {
  const port = localEnv.haInfrastructure.servicePorts['api-gateway'];
  const running = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
    () => true,
    () => false,
  );
  if (running) throw new Error(`npm run ha is running on this slot (gateway on ${port}): stop it first, the bench uses its nodes and databases`);
}

export interface HaPostgresCluster {
  cluster: string;
  port: number;
  role: 'primary' | 'standby';
  /** Debian's layout: /var/lib/postgresql/<version>/<cluster>. */
  dataDir: string;
}

/** Both clusters, the primary first (a failover swaps them, so it is asked, not assumed). */
export function haClusters(): HaPostgresCluster[] {
  const primary = haScript('pg-primary').split(':')[0];
  const dataDir = (cluster: string) => {
    const versions = ['17', '16', '15', '14', '13'];
    const version = versions.find((v) => existsSync(`/var/lib/postgresql/${v}/${cluster}`)) ?? '15';
    return `/var/lib/postgresql/${version}/${cluster}`;
  };
  return localEnv.haInfrastructure.postgres.clusters
    .map(({ cluster, port }) => ({ cluster, port, role: cluster === primary ? ('primary' as const) : ('standby' as const), dataDir: dataDir(cluster) }))
    .sort((a, b) => (a.role === 'primary' ? -1 : b.role === 'primary' ? 1 : 0));
}

/** The primary waits for the standby's confirmation of every commit (on), or does not (off). */
export const setSynchronousStandby = (on: boolean): void => void haScript('pg-sync', on ? 'on' : 'off');

export const rabbitHome = (node: string): string => `/var/lib/rabbitmq/${node}`;

/** The first node: the load tool's own connections (queue depth) go there. */
export const haBrokerUrl = (): string => {
  const { nodes, vhost } = localEnv.haInfrastructure.rabbitmq;
  return `amqp://platform:platform-dev@127.0.0.1:${nodes[0].port}/${vhost}`;
};

/** A database on the primary (node-postgres takes one host; the services are given both). */
export const haDatabaseUrl = (primary: HaPostgresCluster, db = 'orders'): string => `postgres://${db}:${db}-dev@127.0.0.1:${primary.port}/${db}`;

/** CPU and RSS of each RabbitMQ node, CPU of each PostgreSQL cluster (its processes share buffers, so no RSS sum). */
export function haProbes(clusters: HaPostgresCluster[]): ResourceProbe[] {
  return [
    ...localEnv.haInfrastructure.rabbitmq.nodes.map(({ node }, i) => pidFileProbe(`rabbitmq-${i + 1}`, path.join(rabbitHome(node), 'pid'))),
    ...clusters.map((c) => commandProbe(`postgres ${c.role}`, 'postgres', { rss: false, argsInclude: `/${c.cluster}` })),
  ];
}

import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { haEnv, haInfrastructure } from '@shop/test-kit';

const script = path.resolve(__dirname, '../../../scripts/ha/ha.sh');
const run = promisify(execFile);

/**
 * One command of scripts/ha/ha.sh against the HA topology; its stdout, trimmed. Asynchronous: the
 * traffic of a scenario runs in this process and keeps its pace while a node boots (a synchronous
 * call held it back, then sent the backlog at once).
 */
export async function ha(...args: string[]): Promise<string> {
  // `up` on a machine that has none of it yet creates three nodes and two clusters.
  const { stdout } = await run('bash', [script, ...args], { env: { ...process.env, ...haEnv() }, timeout: args[0] === 'up' ? 400_000 : 180_000 });
  return stdout.trim();
}

/** The node (1-3) that leads a quorum queue. */
export const leaderOf = async (queue: string): Promise<number> => Number(await ha('rabbit-leader', queue));

/** Moves the leadership of a quorum queue to node (1-3). */
export const lead = (queue: string, node: number): Promise<string> => ha('rabbit-lead', queue, String(node));

/** The node (1-3) a service's broker connection is on, by the connection name it gives (the management API of any running node). */
export async function nodeOf(service: string): Promise<number> {
  const { nodes, vhost } = haInfrastructure.rabbitmq;
  for (const { managementPort } of nodes) {
    const response = await fetch(`http://127.0.0.1:${managementPort}/api/vhosts/${encodeURIComponent(vhost)}/connections?columns=node,client_properties.connection_name`, {
      headers: { authorization: `Basic ${Buffer.from('platform:platform-dev').toString('base64')}` },
    }).catch(() => undefined);
    if (!response?.ok) continue;
    const connections = (await response.json()) as Array<{ node: string; client_properties?: { connection_name?: string } }>;
    const own = connections.find((c) => c.client_properties?.connection_name === service);
    const index = own ? nodes.findIndex((n) => own.node.startsWith(`${n.node}@`)) : -1;
    if (index >= 0) return index + 1;
  }
  throw new Error(`no broker connection named ${service}`);
}

export const reportFile = path.resolve(__dirname, '../../../reports/ha.jsonl');

/**
 * Waits until a healed node runs again. After a partition, a node's restart can hang in Erlang's
 * `global` (RabbitMQ logs "Global hang workaround" and the node never finishes booting): after
 * `limitS` it is killed and started again, as an operator would, and the result says so.
 */
export async function awaitHealed(node: string, limitS = 60): Promise<'rejoined' | 'restarted'> {
  try {
    await ha('rabbit-await', node, String(limitS));
    return 'rejoined';
  } catch {
    await ha('rabbit-kill', node).catch(() => undefined);
    await ha('rabbit-start', node);
    return 'restarted';
  }
}

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import amqp from 'amqplib';
import { exchanges, messageTypes, routingKeys } from '@shop/contracts';
import { BROKER_URL, sleep, testInfrastructure, waitFor, waitReady, type RunningPlatform } from '@shop/test-kit';
import type { RequestRecord } from './traffic';

export { sleep, waitFor };

/** Ready again after a restart: the readiness of every service, through its own port. */
export const allReady = (platform: RunningPlatform) =>
  Promise.all(Object.values(platform.ports).map((port) => waitReady(`http://127.0.0.1:${port}/readyz`, 60_000)));

export const killHard = (platform: RunningPlatform, service: string) => process.kill(platform.pid(service)!, 'SIGKILL');

export async function waitForMarker(marker: string): Promise<void> {
  await waitFor(() => existsSync(marker), { what: `crash marker ${marker}` });
}

// Faults hit only the test profile's own broker node and database cluster, never what npm start runs.
const { rabbitmq, postgres } = testInfrastructure;
const rabbitmqctl = (...args: string[]) =>
  execFileSync('rabbitmqctl', ['-q', '-n', rabbitmq.node, ...args], { stdio: 'pipe', timeout: 120_000 });

export function stopBroker(): void {
  rabbitmqctl('stop_app');
}

export function startBroker(): void {
  rabbitmqctl('start_app');
  rabbitmqctl('await_startup');
}

export const memoryAlarm = (on: boolean) => rabbitmqctl('set_vm_memory_high_watermark', on ? '0.0000001' : '0.4');

export function restartPostgresImmediately(): void {
  const line = execFileSync('pg_lsclusters', ['--no-header'])
    .toString()
    .split('\n')
    .find((l) => l.split(/\s+/)[1] === postgres.cluster);
  if (!line) throw new Error(`no PostgreSQL cluster named ${postgres.cluster}`);
  const [version, cluster] = line.split(/\s+/);
  execFileSync('pg_ctlcluster', [version, cluster, 'restart', '-m', 'immediate'], { stdio: 'pipe' });
}

/** Publishes raw bodies straight into a queue, past every validation of ours. */
export async function injectRaw(queue: string, bodies: string[]): Promise<void> {
  const connection = await amqp.connect(BROKER_URL);
  const channel = await connection.createConfirmChannel();
  bodies.forEach((body, i) => channel.sendToQueue(queue, Buffer.from(body), { persistent: true, messageId: `poison-${Date.now()}-${i}` }));
  await channel.waitForConfirms();
  await connection.close();
}

/** The PlaceOrder command an accepted request produced, published again as a duplicate. */
export async function republishCommands(records: RequestRecord[], customerIds: string[], copies: number): Promise<number> {
  const accepted = records.filter((r) => r.outcome === 'accepted' && r.orderId);
  const connection = await amqp.connect(BROKER_URL);
  const channel = await connection.createConfirmChannel();
  for (const record of accepted) {
    const command = { orderId: record.orderId, customerId: customerIds[record.customer], items: record.body.items, acceptedAt: new Date(record.sentAt).toISOString() };
    for (let i = 0; i < copies; i += 1) {
      channel.publish(exchanges.commands, routingKeys.placeOrder, Buffer.from(JSON.stringify(command)), {
        persistent: true,
        messageId: record.orderId,
        type: messageTypes.placeOrder,
      });
    }
  }
  await channel.waitForConfirms();
  await connection.close();
  return accepted.length * copies;
}

export async function queueDepth(queue: string): Promise<number> {
  const connection = await amqp.connect(BROKER_URL);
  try {
    const channel = await connection.createChannel();
    return (await channel.checkQueue(queue)).messageCount;
  } finally {
    await connection.close();
  }
}

/** Cumulative counters of one queue from the management API (refreshed every 5 s). */
export async function queueStats(vhost: string, queue: string): Promise<{ redeliver: number; messages: number }> {
  const response = await fetch(`http://127.0.0.1:${rabbitmq.managementPort}/api/queues/${encodeURIComponent(vhost)}/${encodeURIComponent(queue)}`, {
    headers: { authorization: `Basic ${Buffer.from('platform:platform-dev').toString('base64')}` },
  });
  const body = (await response.json()) as { messages?: number; message_stats?: { redeliver?: number } };
  return { redeliver: body.message_stats?.redeliver ?? 0, messages: body.messages ?? 0 };
}

/**
 * What the broker holds for the vhost's connections: per connection, its name and per channel the
 * consumers and unacked messages. Kept with a run that lost orders, to tell a consumer that holds
 * deliveries it never settles from one that is not consuming at all.
 */
export async function brokerChannels(vhost: string): Promise<unknown> {
  const response = await fetch(`http://127.0.0.1:${rabbitmq.managementPort}/api/vhosts/${encodeURIComponent(vhost)}/channels?columns=name,connection_details.name,consumer_count,messages_unacknowledged,number`, {
    headers: { authorization: `Basic ${Buffer.from('platform:platform-dev').toString('base64')}` },
  });
  return response.json();
}

/** Publishes PlaceOrders messages straight to the work queue, as a producer other than the gateway would. */
export async function publishPlaceOrders(messages: unknown[][]): Promise<string[]> {
  const connection = await amqp.connect(BROKER_URL);
  const channel = await connection.createConfirmChannel();
  const ids = messages.map((commands, i) => {
    const messageId = `mixed-${Date.now()}-${i}`;
    channel.publish(exchanges.commands, routingKeys.placeOrder, Buffer.from(JSON.stringify({ commands })), {
      persistent: true,
      messageId,
      type: messageTypes.placeOrders,
    });
    return messageId;
  });
  await channel.waitForConfirms();
  await connection.close();
  return ids;
}

/** Takes (removes) the dead letters with these message ids and returns their bodies. */
export async function takeDeadLetters(queue: string, messageIds: string[]): Promise<Map<string, unknown>> {
  const connection = await amqp.connect(BROKER_URL);
  const channel = await connection.createChannel();
  const wanted = new Set(messageIds);
  const found = new Map<string, unknown>();
  try {
    for (let message = await channel.get(queue, { noAck: false }); message; message = await channel.get(queue, { noAck: false })) {
      const id = String(message.properties.messageId);
      if (wanted.has(id)) {
        found.set(id, JSON.parse(message.content.toString()));
        channel.ack(message);
      }
    }
  } finally {
    // Dead letters of other runs go back to the queue untouched.
    await connection.close();
  }
  return found;
}

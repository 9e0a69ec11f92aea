import os from 'node:os';
import amqp from 'amqplib';
import { Client } from 'pg';
import { queues } from '@shop/contracts';

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  kernel: string;
  postgres: Record<string, string>;
  rabbitmq: string;
}

/** What the figures were measured on; they mean little without it. */
export async function machineInfo(databaseUrl: string, brokerUrl: string): Promise<MachineInfo> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const postgres: Record<string, string> = {};
  try {
    for (const setting of ['server_version', 'synchronous_commit', 'fsync', 'shared_buffers', 'max_connections']) {
      postgres[setting] = (await db.query(`SHOW ${setting}`)).rows[0][setting];
    }
  } finally {
    await db.end();
  }
  const connection = await amqp.connect(brokerUrl);
  const server = (connection.connection as unknown as { serverProperties?: { version?: string } }).serverProperties;
  await connection.close();
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    kernel: os.release(),
    postgres,
    rabbitmq: server?.version ?? 'unknown',
  };
}

/**
 * Consumers on the place-order queue beyond our own: someone's test run in the same vhost would
 * take a share of the orders and of the machine, and the figures should say so.
 */
export async function placeOrderConsumers(brokerUrl: string): Promise<number> {
  const connection = await amqp.connect(brokerUrl);
  try {
    const channel = await connection.createChannel();
    const { consumerCount } = await channel.checkQueue(queues.placeOrder);
    return consumerCount;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import request from 'supertest';
import { newId, queues, type Role } from '@shop/contracts';
import { createLogger } from '@shop/platform';
import { startGateway, type RunningGateway } from '../src/app';
import { loadGatewayConfig } from '../src/config';
import { signToken } from '../src/domain/tokens';
import { BROKER_URL } from '@shop/test-kit';

export const brokerUrl = BROKER_URL;
export const secret = 'component-test-secret-of-at-least-32-chars';
export const issuer = 'order-platform';

export async function startTestGateway(env: Record<string, string> = {}): Promise<RunningGateway & { http: ReturnType<typeof request> }> {
  const config = loadGatewayConfig({
    NODE_ENV: 'test',
    PORT: '0',
    JWT_SECRET: secret,
    RABBITMQ_URL: brokerUrl,
    QUEUE_TYPE: process.env.QUEUE_TYPE ?? 'classic',
    PUBLISH_TIMEOUT_MS: '2000',
    RPC_TIMEOUT_MS: '1000',
    ...env,
  });
  const gateway = await startGateway(config, createLogger('api-gateway-test', 'silent'));
  return { ...gateway, http: request(`http://127.0.0.1:${gateway.port}`) };
}

export async function waitUntilReady(http: ReturnType<typeof request>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await http.get('/readyz')).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gateway not ready within ${timeoutMs} ms`);
}

export const tokenFor = (claims: { sub?: string; role?: Role; expiresIn?: number; secret?: string; issuer?: string } = {}) =>
  signToken({ sub: newId(), role: 'customer', secret, issuer, expiresIn: 300, ...claims });

export const aValidOrder = () => ({
  items: [
    { productId: newId(), quantity: 2 },
    { productId: newId(), quantity: 1 },
  ],
  shippingAddress: { line1: '1 Test Street', city: 'Berlin', postalCode: '10115', country: 'DE' },
});

/** Reads one sample of the Prometheus text format; 0 when the series does not exist yet. */
export async function metricValue(http: ReturnType<typeof request>, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = (await http.get('/metrics')).text;
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && wanted.every((w) => l.includes(w)));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** The commands of a PlaceOrder message (itself one) or of a PlaceOrders message; none if unreadable. */
export const commandsOf = (message: ConsumeMessage): Array<{ orderId: string; customerId: string }> => {
  try {
    const body = JSON.parse(message.content.toString('utf8'));
    const commands = message.properties.type === 'PlaceOrders' ? body?.commands : [body];
    return Array.isArray(commands) ? commands.filter((c) => c && typeof c === 'object') : [];
  } catch {
    return [];
  }
};

/**
 * Consumes the place-order queue from a channel the test owns and keeps only the messages it
 * asks for; anything else (another suite's commands) is held unacked and requeued on close.
 */
export async function tapPlaceOrderQueue() {
  const connection: ChannelModel = await amqp.connect(brokerUrl);
  const channel: Channel = await connection.createChannel();
  const seen: ConsumeMessage[] = [];
  const waiters: Array<() => void> = [];
  const { consumerTag } = await channel.consume(
    queues.placeOrder,
    (message) => {
      if (!message) return;
      seen.push(message);
      waiters.splice(0).forEach((wake) => wake());
    },
    { noAck: false },
  );

  return {
    /** The message carrying this order's command. */
    take(orderId: string, timeoutMs = 5000): Promise<ConsumeMessage> {
      return this.takeWhere((c) => c.orderId === orderId, `the command for ${orderId}`, timeoutMs);
    },
    /** The first message carrying a command that matches. */
    async takeWhere(match: (command: { orderId: string; customerId: string }) => boolean, what: string, timeoutMs = 5000): Promise<ConsumeMessage> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = seen.findIndex((m) => commandsOf(m).some(match));
        if (index >= 0) {
          const [message] = seen.splice(index, 1);
          channel.ack(message);
          return message;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no message with ${what} within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => (clearTimeout(timer), resolve()));
        });
      }
    },
    async close(): Promise<void> {
      await channel.cancel(consumerTag);
      for (const message of seen.splice(0)) channel.nack(message, false, true);
      await channel.close();
      await connection.close();
    },
  };
}

export const fieldsOf = (body: { errors?: Array<{ field: string }> }): string[] => (body.errors ?? []).map((e) => e.field);

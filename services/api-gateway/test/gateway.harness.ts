import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import request from 'supertest';
import { newId, queues, type Role } from '@shop/contracts';
import { createLogger } from '@shop/platform';
import { startGateway, type RunningGateway } from '../src/app';
import { loadGatewayConfig } from '../src/config';
import { BROKER_URL } from '@shop/test-kit';

export const brokerUrl = BROKER_URL;
export const issuer = 'https://identity.test/realms/shop';
export const audience = 'order-platform';

/** A signing key as an identity provider holds it: the private half signs, the JWKS publishes the public half. */
export interface SigningKey {
  alg: 'ES256' | 'RS256' | 'EdDSA';
  kid: string;
  privateKey: KeyLike;
  publicJwk: Record<string, unknown>;
}

export async function newSigningKey(alg: SigningKey['alg'] = 'ES256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519' } : undefined);
  const kid = `${alg}-${newId()}`;
  return { alg, kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** The identity provider of the component tests: one key, published as a JWKS file the gateway reads. */
export const testIdentity = (async () => {
  const key = await newSigningKey();
  const jwksFile = join(mkdtempSync(join(tmpdir(), 'gateway-jwks-')), 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [key.publicJwk] }));
  return { key, jwksFile };
})();

export async function startTestGateway(env: Record<string, string | undefined> = {}): Promise<RunningGateway & { http: ReturnType<typeof request> }> {
  const config = loadGatewayConfig({
    NODE_ENV: 'test',
    PORT: '0',
    JWT_ISSUER: issuer,
    JWT_AUDIENCE: audience,
    JWT_PUBLIC_KEY_FILE: (await testIdentity).jwksFile,
    ORDER_ID_SECRET: 'component-test-order-id-secret-of-32-chars',
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

export interface TokenClaims {
  sub?: string;
  role?: Role;
  /** Seconds from now; negative mints an already expired token. */
  expiresIn?: number;
  issuer?: string;
  audience?: string;
  /** Another signing key than the harness's identity provider's. */
  key?: SigningKey;
}

export async function tokenFor(claims: TokenClaims = {}): Promise<string> {
  const { sub = newId(), role = 'customer', expiresIn = 300, key = (await testIdentity).key } = claims;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(claims.issuer ?? issuer)
    .setAudience(claims.audience ?? audience)
    .setIssuedAt(now)
    .setExpirationTime(now + expiresIn)
    .sign(key.privateKey);
}

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
  /** Orders that arrived in a PlaceOrders message already taken for another of its orders. */
  const takenWithOthers = new Map<string, ConsumeMessage>();
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
        const before = [...new Set(takenWithOthers.values())].find((m) => commandsOf(m).some(match));
        if (before) return before;
        const index = seen.findIndex((m) => commandsOf(m).some(match));
        if (index >= 0) {
          const [message] = seen.splice(index, 1);
          channel.ack(message);
          if (message.properties.type === 'PlaceOrders') for (const { orderId: id } of commandsOf(message)) takenWithOthers.set(id, message);
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

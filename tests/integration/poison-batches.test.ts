import type { RpcCall } from '@shop/messaging';
import { randomUUID } from 'node:crypto';
import type { ChannelModel, ConfirmChannel, GetMessage } from 'amqplib';
import { Client } from 'pg';
import {
  customerRpc,
  deadLetterQueue,
  exchanges,
  inventoryRpc,
  messageTypes,
  newId,
  orderRpc,
  queues,
  routingKeys,
  type CustomerView,
  type OrderView,
  type ProductView,
} from '@shop/contracts';
import { startBackend } from '../support/in-process';
import { testEnv, rawConnection, startRpcClient, takeMessage } from '@shop/test-kit';

// One bad order in a PlaceOrders message, published past the gateway, must neither hold back nor
// lose the orders that share its message.

let backend: Awaited<ReturnType<typeof startBackend>>;
let client: Awaited<ReturnType<typeof startRpcClient>>;
let connection: ChannelModel;
let channel: ConfirmChannel;
let ordersDb: Client;

beforeAll(async () => {
  backend = await startBackend();
  ordersDb = new Client({ connectionString: testEnv('order-management').DATABASE_URL });
  await ordersDb.connect();
  client = await startRpcClient();
  connection = await rawConnection();
  channel = await connection.createConfirmChannel();
}, 60_000);

afterAll(async () => {
  await ordersDb?.end();
  await connection?.close();
  await client?.close();
  await backend?.stop();
});

const admin = { customerId: randomUUID(), role: 'admin' as const };
const call = <T>(queue: string, method: RpcCall<unknown>, payload: unknown) => client.rpc.call(queue, method, payload) as Promise<T>;

async function fixture(stock: number, email = `poison-${randomUUID()}@example.com`) {
  const customer = await call<CustomerView>(queues.customerRpc, customerRpc.create, { name: 'Poison Test', email });
  const product = await call<ProductView>(queues.inventoryRpc, inventoryRpc.createProduct, { name: 'Poison product', price: 500, stock });
  return { customerId: customer.customerId, productId: product.productId };
}

const command = (customerId: string, productId: string, extra: Record<string, unknown> = {}) => ({
  orderId: newId(),
  customerId,
  items: [{ productId, quantity: 1 }],
  acceptedAt: new Date().toISOString(),
  ...extra,
});

async function publishBatch(commands: unknown[]): Promise<{ messageId: string; confirmedAt: number }> {
  const messageId = newId();
  channel.publish(exchanges.commands, routingKeys.placeOrder, Buffer.from(JSON.stringify({ commands })), {
    persistent: true,
    messageId,
    type: messageTypes.placeOrders,
  });
  await channel.waitForConfirms();
  return { messageId, confirmedAt: Date.now() };
}

/** The order once it left PENDING, and how long after `since` that was seen. */
async function settled(orderId: string, since: number, timeoutMs = 10_000): Promise<{ order: OrderView; afterMs: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const order = await call<OrderView>(queues.orderRpc, orderRpc.get, { orderId, caller: admin }).catch(() => undefined);
    if (order && order.status !== 'PENDING') return { order, afterMs: Date.now() - since };
    if (Date.now() > deadline) throw new Error(`order ${orderId} is still ${order?.status ?? 'unknown'}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** order-management's count of orders that failed on their own data, by outcome. */
async function permanentFailures(): Promise<Record<string, number>> {
  const page = await (await fetch(`${backend.orderManagementUrl}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const m of page.matchAll(/^orders_failed_permanently_total\{[^}]*outcome="(\w+)"[^}]*\} (\d+)/gm)) counts[m[1]] = Number(m[2]);
  return counts;
}

const deadLetterOf = (messageId: string): Promise<GetMessage | undefined> =>
  takeMessage(connection, deadLetterQueue(queues.placeOrder), (m) => m.properties.messageId === messageId, 10_000);

// The shortest retry delay is 1 s: an order decided sooner was decided at its first delivery.
const FIRST_DELIVERY_MS = 1000;

describe('a PlaceOrders message with one bad order among good ones', () => {
  it('when one command carries a NUL in its address, then the good ones are CONFIRMED at first delivery and only the bad command is dead-lettered', async () => {
    const { customerId, productId } = await fixture(10);
    const good = Array.from({ length: 4 }, () => command(customerId, productId));
    const bad = command(customerId, productId, { shippingAddress: { line1: 'bad\u0000', city: 'Berlin', postalCode: '10115', country: 'DE' } });
    const before = await permanentFailures();

    const { messageId, confirmedAt } = await publishBatch([good[0], good[1], bad, good[2], good[3]]);

    for (const g of good) {
      const { order, afterMs } = await settled(g.orderId, confirmedAt);
      expect(order.status).toBe('CONFIRMED');
      expect(afterMs).toBeLessThan(FIRST_DELIVERY_MS);
    }
    const dead = await deadLetterOf(messageId);
    expect(String(dead?.properties.headers?.['x-dead-letter-reason'])).toContain(`order ${bad.orderId}`);
    expect(String(dead?.properties.headers?.['x-dead-letter-reason'])).toContain('control characters');
    expect(JSON.parse(dead!.content.toString())).toEqual({ commands: [bad] });
    const stored = await ordersDb.query('SELECT count(*)::int AS n FROM orders WHERE id = $1', [bad.orderId]);
    expect(stored.rows[0].n).toBe(0);
    expect((await call<ProductView>(queues.inventoryRpc, inventoryRpc.getProduct, { productId })).available).toBe(6);
    expect((await permanentFailures()).dead_lettered - before.dead_lettered).toBe(1);
  });

  it('when one command passes the schema but the database cannot store it, then the good ones are CONFIRMED at first delivery and the bad one is dead-lettered alone', async () => {
    const { customerId, productId } = await fixture(10);
    const good = Array.from({ length: 3 }, () => command(customerId, productId));
    // A valid RFC 3339 date that PostgreSQL's timestamptz refuses (SQLSTATE 22008).
    const unstorable = command(customerId, productId, { acceptedAt: '0000-01-01T00:00:00Z' });
    const before = await permanentFailures();

    const { messageId, confirmedAt } = await publishBatch([good[0], unstorable, good[1], good[2]]);

    for (const g of good) {
      const { order, afterMs } = await settled(g.orderId, confirmedAt);
      expect(order.status).toBe('CONFIRMED');
      expect(afterMs).toBeLessThan(FIRST_DELIVERY_MS);
    }
    const dead = await deadLetterOf(messageId);
    expect(String(dead?.properties.headers?.['x-dead-letter-reason'])).toContain(`order ${unstorable.orderId}`);
    expect(dead?.properties.headers?.['x-retry-count']).toBeUndefined();
    expect(JSON.parse(dead!.content.toString())).toEqual({ commands: [unstorable] });
    expect((await call<ProductView>(queues.inventoryRpc, inventoryRpc.getProduct, { productId })).available).toBe(7);
    expect((await permanentFailures()).dead_lettered - before.dead_lettered).toBe(1);
  });

  it('when an order is recorded but its decision violates a constraint, then the others are CONFIRMED at first delivery, it is REJECTED as INVALID_ORDER and its stock is given back', async () => {
    // A constraint that only this order's decision breaks stands in for any data error that a
    // single order causes after inventory reserved its stock.
    const poisonEmail = `poison-${randomUUID()}@example.com`;
    await ordersDb.query(`ALTER TABLE orders ADD CONSTRAINT test_poison_email CHECK (customer_email IS DISTINCT FROM '${poisonEmail}') NOT VALID`);
    try {
      const ok = await fixture(10);
      const poisoned = await fixture(10, poisonEmail);
      const good = Array.from({ length: 3 }, () => command(ok.customerId, ok.productId));
      const bad = command(poisoned.customerId, poisoned.productId, { items: [{ productId: poisoned.productId, quantity: 4 }] });
      const before = await permanentFailures();

      const { messageId, confirmedAt } = await publishBatch([good[0], good[1], bad, good[2]]);

      for (const g of good) {
        const { order, afterMs } = await settled(g.orderId, confirmedAt);
        expect(order.status).toBe('CONFIRMED');
        expect(afterMs).toBeLessThan(FIRST_DELIVERY_MS);
      }
      const { order } = await settled(bad.orderId, confirmedAt);
      expect(order).toMatchObject({ status: 'REJECTED', rejectionReason: { code: 'INVALID_ORDER' } });
      expect((await call<ProductView>(queues.inventoryRpc, inventoryRpc.getProduct, { productId: poisoned.productId })).available).toBe(10);
      expect((await call<ProductView>(queues.inventoryRpc, inventoryRpc.getProduct, { productId: ok.productId })).available).toBe(7);
      // Nothing of this message is left for an operator to replay.
      expect(await deadLetterOf(messageId)).toBeUndefined();
      expect((await permanentFailures()).rejected - before.rejected).toBe(1);
    } finally {
      await ordersDb.query('ALTER TABLE orders DROP CONSTRAINT IF EXISTS test_poison_email');
    }
  });
});

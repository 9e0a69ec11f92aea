import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { ChannelModel, ConfirmChannel } from 'amqplib';
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
  workQueues,
  type CustomerView,
  type OrderView,
  type ProductView,
} from '@shop/contracts';
import { countDeadLetters, purgeDeadLetters, type RpcCall } from '@shop/messaging';
import { eventually, BROKER_URL, metricsPage, sampleSum, testEnv, rawConnection, startRpcClient, takeMessage, waitFor } from '@shop/test-kit';
import { startBackend } from '../support/in-process';

let backend: { orderManagementUrl: string; stop(): Promise<void> };
let client: Awaited<ReturnType<typeof startRpcClient>>;
let connection: ChannelModel;
let channel: ConfirmChannel;
let eventsQueue: string;
let ordersDb: Client;

beforeAll(async () => {
  backend = await startBackend();
  ordersDb = new Client({ connectionString: testEnv('order-management').DATABASE_URL });
  await ordersDb.connect();
  client = await startRpcClient();
  connection = await rawConnection();
  channel = await connection.createConfirmChannel();
  eventsQueue = (await channel.assertQueue('', { exclusive: true })).queue;
  await channel.bindQueue(eventsQueue, exchanges.events, 'order.#');
}, 60_000);

afterAll(async () => {
  await ordersDb?.end();
  await connection?.close();
  await client?.close();
  await backend?.stop();
});

const admin = { customerId: randomUUID(), role: 'admin' as const };
const call = <T>(queue: string, method: RpcCall<unknown>, payload: unknown) => client.rpc.call(queue, method, payload) as Promise<T>;

async function placeOrder(command: Record<string, unknown>): Promise<void> {
  channel.publish(exchanges.commands, routingKeys.placeOrder, Buffer.from(JSON.stringify(command)), {
    persistent: true,
    messageId: String(command.orderId ?? randomUUID()),
    type: messageTypes.placeOrder,
  });
  await channel.waitForConfirms();
}

/** Deliveries of place-order messages that order-management settled (acked, retried or dead-lettered). */
async function placeOrderDeliveriesSettled(): Promise<number> {
  const text = await (await fetch(`${backend.orderManagementUrl}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('messages_handled_total{') && line.includes(`queue="${queues.placeOrder}"`) && !line.includes('outcome="unsettled"'))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

async function settled(orderId: string): Promise<OrderView> {
  for (let i = 0; i < 100; i += 1) {
    const order = await call<OrderView>(queues.orderRpc, orderRpc.get, { orderId, caller: admin }).catch(() => undefined);
    if (order && order.status !== 'PENDING') return order;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`order ${orderId} did not settle`);
}

async function fixture(stock: number, price = 700) {
  const customer = await call<CustomerView>(queues.customerRpc, customerRpc.create, { name: 'Saga Test', email: `saga-${randomUUID()}@example.com` });
  const product = await call<ProductView>(queues.inventoryRpc, inventoryRpc.createProduct, { name: 'Saga product', price, stock });
  return { customerId: customer.customerId, productId: product.productId };
}

const command = (customerId: string, productId: string, quantity = 1) => ({
  orderId: newId(),
  customerId,
  items: [{ productId, quantity }],
  shippingAddress: { line1: '1 Queue Lane', city: 'Leipzig', postalCode: '04109', country: 'DE' },
  acceptedAt: new Date().toISOString(),
});

describe('order-management saga', () => {
  it('when a PlaceOrder command arrives, then the order is CONFIRMED, priced by inventory, and order.confirmed is published', async () => {
    const { customerId, productId } = await fixture(10, 700);
    const cmd = command(customerId, productId, 3);

    await placeOrder(cmd);

    const order = await settled(cmd.orderId);
    expect(order).toMatchObject({ status: 'CONFIRMED', total: 2100, customerName: 'Saga Test', items: [{ productId, quantity: 3, unitPrice: 700 }] });
    const event = await takeMessage(connection, eventsQueue, (m) => JSON.parse(m.content.toString()).orderId === cmd.orderId);
    expect(event?.fields.routingKey).toBe('order.confirmed');
    expect(JSON.parse(event!.content.toString())).toMatchObject({ status: 'CONFIRMED', total: 2100, customerId });
  });

  it('when the same command is delivered three times, then there is one order and stock is taken once', async () => {
    const { customerId, productId } = await fixture(10);
    const cmd = command(customerId, productId, 2);

    const deliveriesBefore = await placeOrderDeliveriesSettled();

    await Promise.all([placeOrder(cmd), placeOrder(cmd), placeOrder(cmd)]);
    await settled(cmd.orderId);
    // All three deliveries handled, not only the first: a second reservation would show now.
    expect(await eventually(placeOrderDeliveriesSettled, (n) => n >= deliveriesBefore + 3)).toBeGreaterThanOrEqual(deliveriesBefore + 3);

    const product = await call<ProductView>(queues.inventoryRpc, inventoryRpc.getProduct, { productId });
    expect(product.available).toBe(8);
    const page = await call<{ items: OrderView[] }>(queues.orderRpc, orderRpc.list, { caller: { customerId, role: 'customer' }, limit: 10 });
    expect(page.items.map((o) => o.orderId)).toEqual([cmd.orderId]);
  });

  it('when an earlier attempt recorded the order PENDING and died before deciding, then the redelivered command decides it once', async () => {
    const { customerId, productId } = await fixture(10, 500);
    const cmd = command(customerId, productId, 2);
    await ordersDb.query(
      `INSERT INTO orders (id, customer_id, status, items, currency, shipping_address, accepted_at) VALUES ($1, $2, 'PENDING', $3, 'EUR', $4, $5)`,
      [cmd.orderId, customerId, JSON.stringify(cmd.items), JSON.stringify(cmd.shippingAddress), cmd.acceptedAt],
    );

    await placeOrder(cmd);

    expect(await settled(cmd.orderId)).toMatchObject({ status: 'CONFIRMED', total: 1000, items: [{ productId, quantity: 2, unitPrice: 500 }] });
    const event = await takeMessage(connection, eventsQueue, (m) => JSON.parse(m.content.toString()).orderId === cmd.orderId);
    expect(JSON.parse(event!.content.toString())).toMatchObject({ status: 'CONFIRMED', total: 1000, customerId });
    const product = await call<ProductView>(queues.inventoryRpc, inventoryRpc.getProduct, { productId });
    expect(product.available).toBe(8);
  });

  it('when a command is malformed or invalid, then it is dead-lettered with the reason and valid orders still flow', async () => {
    const { customerId, productId } = await fixture(5);
    const bad = { orderId: newId(), customerId, items: [{ productId, quantity: 0 }], acceptedAt: new Date().toISOString() };
    const good = command(customerId, productId);

    await placeOrder(bad);
    await placeOrder(good);

    expect((await settled(good.orderId)).status).toBe('CONFIRMED');
    const dead = await takeMessage(connection, deadLetterQueue(queues.placeOrder), (m) => m.properties.messageId === bad.orderId);
    expect(String(dead?.properties.headers?.['x-dead-letter-reason'])).toMatch(/quantity/);
    await expect(call(queues.orderRpc, orderRpc.get, { orderId: bad.orderId, caller: admin })).rejects.toMatchObject({ status: 404 });
  });

  it('when one PlaceOrders message carries three orders, one of them invalid, then the two valid ones are decided and the message is dead-lettered naming the third', async () => {
    const { customerId, productId } = await fixture(10);
    const first = command(customerId, productId);
    const second = command(customerId, productId, 2);
    const bad = { ...command(customerId, productId), items: [{ productId, quantity: 0 }] };
    const messageId = newId();

    channel.publish(exchanges.commands, routingKeys.placeOrder, Buffer.from(JSON.stringify({ commands: [first, bad, second] })), {
      persistent: true,
      messageId,
      type: messageTypes.placeOrders,
    });
    await channel.waitForConfirms();

    expect((await settled(first.orderId)).status).toBe('CONFIRMED');
    expect((await settled(second.orderId)).status).toBe('CONFIRMED');
    const dead = await takeMessage(connection, deadLetterQueue(queues.placeOrder), (m) => m.properties.messageId === messageId);
    expect(String(dead?.properties.headers?.['x-dead-letter-reason'])).toContain(`order ${bad.orderId}`);
    await expect(call(queues.orderRpc, orderRpc.get, { orderId: bad.orderId, caller: admin })).rejects.toMatchObject({ status: 404 });
    const product = await call<ProductView>(queues.inventoryRpc, inventoryRpc.getProduct, { productId });
    expect(product.available).toBe(7);
  });

  it('when a PlaceOrders message holds no command list, then it is dead-lettered as malformed', async () => {
    const messageId = newId();

    channel.publish(exchanges.commands, routingKeys.placeOrder, Buffer.from(JSON.stringify({ commands: 'none' })), {
      persistent: true,
      messageId,
      type: messageTypes.placeOrders,
    });
    await channel.waitForConfirms();

    const dead = await takeMessage(connection, deadLetterQueue(queues.placeOrder), (m) => m.properties.messageId === messageId);
    expect(String(dead?.properties.headers?.['x-dead-letter-reason'])).toContain('"commands" must hold 1 to');
  });

  it('when a confirmed order is cancelled, then it is CANCELLED, order.cancelled is published and the stock returns', async () => {
    const { customerId, productId } = await fixture(4);
    const cmd = command(customerId, productId, 4);
    await placeOrder(cmd);
    await settled(cmd.orderId);

    const cancelled = await call<OrderView>(queues.orderRpc, orderRpc.cancel, { orderId: cmd.orderId, caller: { customerId, role: 'customer' } });

    expect(cancelled.status).toBe('CANCELLED');
    const event = await takeMessage(connection, eventsQueue, (m) => m.fields.routingKey === 'order.cancelled' && JSON.parse(m.content.toString()).orderId === cmd.orderId);
    expect(event).toBeDefined();
    let available = 0;
    for (let i = 0; i < 50 && available !== 4; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      available = (await call<ProductView>(queues.inventoryRpc, inventoryRpc.getProduct, { productId })).available;
    }
    expect(available).toBe(4);
    await expect(call(queues.orderRpc, orderRpc.cancel, { orderId: cmd.orderId, caller: admin })).rejects.toMatchObject({ status: 409 });
  });

  it('when an idempotency key is claimed twice, then the first order id and request hash are returned both times', async () => {
    const claim = { customerId: randomUUID(), key: randomUUID(), requestHash: 'a'.repeat(64), orderId: newId() };

    const first = await call(queues.orderRpc, orderRpc.claimIdempotencyKey, claim);
    const second = await call(queues.orderRpc, orderRpc.claimIdempotencyKey, { ...claim, requestHash: 'b'.repeat(64), orderId: newId() });

    expect(first).toEqual({ orderId: claim.orderId, requestHash: claim.requestHash });
    expect(second).toEqual(first);
  });
});

describe('order-management metrics', () => {
  const page = () => metricsPage(backend.orderManagementUrl);

  it('when one order is confirmed and one rejected for stock, then both are counted by outcome, the rejection by reason, both timed end to end, and the saga calls timed by method', async () => {
    const before = await page();
    const { customerId, productId } = await fixture(1);
    const [fits, tooMany] = [command(customerId, productId, 1), command(customerId, productId, 5)];

    await placeOrder(fits);
    expect((await settled(fits.orderId)).status).toBe('CONFIRMED');
    await placeOrder(tooMany);
    expect((await settled(tooMany.orderId)).status).toBe('REJECTED');

    const after = await page();
    const grew = (name: string, labels: Record<string, string> = {}) => sampleSum(after, name, labels) - sampleSum(before, name, labels);
    expect(grew('orders_processed_total', { outcome: 'confirmed' })).toBe(1);
    expect(grew('orders_processed_total', { outcome: 'rejected', reason: 'OUT_OF_STOCK' })).toBe(1);
    expect(grew('order_end_to_end_seconds_count')).toBe(2);
    expect(grew('rpc_client_duration_seconds_count', { method: 'customer.get-many', outcome: 'ok' })).toBeGreaterThanOrEqual(2);
    expect(grew('rpc_client_duration_seconds_count', { method: 'inventory.reserve', outcome: 'ok' })).toBeGreaterThanOrEqual(2);
  });

  it('when an event waits in the outbox, then the backlog counts it and the age is that of the oldest, until it leaves', async () => {
    // Claimed for an hour, so that no relay publishes it while the gauges are read.
    const { rows } = await ordersDb.query(
      `INSERT INTO outbox (message_id, routing_key, type, payload, created_at, claimed_until)
       VALUES ($1, $2, $3, '{}', now() - interval '120 seconds', now() + interval '1 hour') RETURNING id`,
      [randomUUID(), routingKeys.orderConfirmed, messageTypes.orderConfirmed],
    );
    try {
      const reported = async () => {
        const text = await page();
        return { messages: sampleSum(text, 'outbox_messages'), age: sampleSum(text, 'outbox_oldest_message_age_seconds') };
      };
      // The gauges are read every 5 s, not at each scrape.
      const waiting = await eventually(reported, (r) => r.messages >= 1 && r.age >= 120, 12_000);
      expect(waiting.messages).toBeGreaterThanOrEqual(1);
      expect(waiting.age).toBeGreaterThanOrEqual(120);
      expect(waiting.age).toBeLessThan(150);

      await ordersDb.query('DELETE FROM outbox WHERE id = $1', [rows[0].id]);
      await waitFor(async () => (await reported()).age < 120, { timeoutMs: 12_000, what: 'the outbox age to drop once the event left' });
    } finally {
      await ordersDb.query('DELETE FROM outbox WHERE id = $1', [rows[0].id]);
    }
  });
});

describe('dead letters, as an operator handles them', () => {
  const dlq = deadLetterQueue(queues.placeOrder);
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [path.resolve(__dirname, '../../tools/ops/dist/dlq.js'), ...args], {
      env: { ...process.env, RABBITMQ_URL: BROKER_URL },
      encoding: 'utf8',
    });

  it('when an invalid command was dead-lettered, then list counts it and inspect shows it with its reason, leaving it in place', async () => {
    await purgeDeadLetters(connection, queues.placeOrder);
    const bad = { orderId: newId(), customerId: randomUUID(), items: [], acceptedAt: new Date().toISOString() };
    await placeOrder(bad);
    await eventually(async () => (await countDeadLetters(connection, workQueues))[0].deadLetters, (n) => n === 1);

    const listed = cli('list');
    const inspected = cli('inspect', queues.placeOrder);

    expect(listed.stdout).toContain(`${dlq}\t1`);
    expect(JSON.parse(inspected.stdout)).toEqual([
      expect.objectContaining({ messageId: bad.orderId, type: messageTypes.placeOrder, reason: expect.stringMatching(/items/), body: bad }),
    ]);
    expect((await countDeadLetters(connection, workQueues))[0].deadLetters).toBe(1);
    expect(cli('purge', queues.placeOrder).status).toBe(2);
    expect(cli('purge', queues.placeOrder, '--yes').stdout).toContain('purged 1');
  });

  it('when a dead-lettered command is replayed after its cause is gone, then the order is processed and the DLQ is empty', async () => {
    await purgeDeadLetters(connection, queues.placeOrder);
    const { customerId, productId } = await fixture(3);
    const cmd = command(customerId, productId, 2);
    channel.sendToQueue(dlq, Buffer.from(JSON.stringify(cmd)), {
      persistent: true,
      messageId: cmd.orderId,
      type: messageTypes.placeOrder,
      headers: { 'x-dead-letter-reason': 'gave up after 10 retries: inventory-service timed out', 'x-retry-count': 10 },
    });
    await channel.waitForConfirms();

    const replayed = cli('replay', queues.placeOrder, '--id', cmd.orderId);

    expect(replayed.stdout).toContain('replayed 1');
    expect((await settled(cmd.orderId)).status).toBe('CONFIRMED');
    expect((await countDeadLetters(connection, workQueues))[0].deadLetters).toBe(0);
  });
});

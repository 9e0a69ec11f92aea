import type { RpcCall } from '@shop/messaging';
import { randomUUID } from 'node:crypto';
import type { ChannelModel } from 'amqplib';
import { Client } from 'pg';
import { deadLetterQueue, exchanges, messageTypes, newId, orderRpc, queues, routingKeys, type OrderView, type Page } from '@shop/contracts';
import { startOrderManagement, type RunningOrderManagement } from '../src/app';
import { loadOrderManagementConfig } from '../src/config';
import { quietLogger, rawConnection, startRpcClient, takeMessage, testEnv, waitReady } from '@shop/test-kit';

// order-management on its own: its reads, cancellation and refusal of bad commands need neither
// customer-service nor inventory-service, so neither runs here.
const env = testEnv('order-management', { extra: { HTTP_PORT: '0', RPC_TIMEOUT_MS: '500' } });
let service: RunningOrderManagement;
let client: Awaited<ReturnType<typeof startRpcClient>>;
let connection: ChannelModel;
let db: Client;
let eventsQueue: string;

beforeAll(async () => {
  service = await startOrderManagement(loadOrderManagementConfig(env), quietLogger());
  await waitReady(`http://127.0.0.1:${service.port}/readyz`);
  client = await startRpcClient();
  connection = await rawConnection();
  db = new Client({ connectionString: env.DATABASE_URL });
  await db.connect();
  const channel = await connection.createChannel();
  eventsQueue = (await channel.assertQueue('', { exclusive: true })).queue;
  await channel.bindQueue(eventsQueue, exchanges.events, 'order.#');
});

afterAll(async () => {
  await db?.end();
  await connection?.close();
  await client?.close();
  await service?.stop();
});

// Each reply is checked against the method's reply contract by the client, as in production.
const call = <T>(method: RpcCall<unknown>, payload: unknown) => client.rpc.call(queues.orderRpc, method, payload) as Promise<T>;
const as = (customerId: string) => ({ customerId, role: 'customer' as const });

async function storedOrder(customerId: string, status: string): Promise<string> {
  const id = newId();
  await db.query(
    `INSERT INTO orders (id, customer_id, status, items, total, currency, accepted_at)
     VALUES ($1, $2, $3, $4, $5, 'EUR', now())`,
    [id, customerId, status, JSON.stringify([{ productId: randomUUID(), quantity: 2, unitPrice: 150 }]), status === 'CONFIRMED' ? 300 : null],
  );
  return id;
}

describe('order-management on its own', () => {
  it("when the owner asks for an order, then it is returned; another customer's request is a 404", async () => {
    const owner = randomUUID();
    const orderId = await storedOrder(owner, 'CONFIRMED');

    const order = await call<OrderView>(orderRpc.get, { orderId, caller: as(owner) });

    expect(order).toMatchObject({ orderId, customerId: owner, status: 'CONFIRMED', total: 300, currency: 'EUR' });
    await expect(call(orderRpc.get, { orderId, caller: as(randomUUID()) })).rejects.toMatchObject({ status: 404 });
  });

  it('when a customer lists orders by status, then pages come newest first and the cursor ends with null', async () => {
    const owner = randomUUID();
    const confirmed = [];
    for (let i = 0; i < 3; i += 1) confirmed.push(await storedOrder(owner, 'CONFIRMED'));
    await storedOrder(owner, 'REJECTED');

    const first = await call<Page<OrderView>>(orderRpc.list, { caller: as(owner), status: 'CONFIRMED', limit: 2 });
    const second = await call<Page<OrderView>>(orderRpc.list, { caller: as(owner), status: 'CONFIRMED', limit: 2, cursor: first.nextCursor });

    expect([...first.items, ...second.items].map((o) => o.orderId)).toEqual([...confirmed].reverse());
    expect(second.nextCursor).toBeNull();
  });

  it('when a confirmed order is cancelled, then it is CANCELLED and order.cancelled leaves through the outbox; a rejected one is a 409', async () => {
    const owner = randomUUID();
    const orderId = await storedOrder(owner, 'CONFIRMED');
    const rejected = await storedOrder(owner, 'REJECTED');

    const cancelled = await call<OrderView>(orderRpc.cancel, { orderId, caller: as(owner) });

    expect(cancelled.status).toBe('CANCELLED');
    const event = await takeMessage(connection, eventsQueue, (m) => JSON.parse(m.content.toString()).orderId === orderId);
    expect(event?.fields.routingKey).toBe(routingKeys.orderCancelled);
    expect((await db.query('SELECT count(*)::int AS n FROM outbox WHERE payload->>$1 = $2', ['orderId', orderId])).rows[0].n).toBe(0);
    await expect(call(orderRpc.cancel, { orderId: rejected, caller: as(owner) })).rejects.toMatchObject({ status: 409, code: 'order-not-cancellable' });
  });

  it('when an event row was left in the outbox (its writer died after commit), then the sweep publishes it and deletes the row', async () => {
    const orderId = newId();
    const messageId = randomUUID();
    await db.query(`INSERT INTO outbox (message_id, routing_key, type, payload) VALUES ($1, $2, $3, $4)`, [
      messageId,
      routingKeys.orderConfirmed,
      messageTypes.orderConfirmed,
      JSON.stringify({ orderId, status: 'CONFIRMED' }),
    ]);

    const event = await takeMessage(connection, eventsQueue, (m) => m.properties.messageId === messageId);

    expect(event?.fields.routingKey).toBe(routingKeys.orderConfirmed);
    expect(JSON.parse(event!.content.toString())).toMatchObject({ orderId });
    expect((await db.query('SELECT count(*)::int AS n FROM outbox WHERE message_id = $1', [messageId])).rows[0].n).toBe(0);
  });

  it('when a command arrives but its collaborators do not answer, then the order waits PENDING and the command is retried, not lost', async () => {
    const command = { orderId: newId(), customerId: randomUUID(), items: [{ productId: randomUUID(), quantity: 1 }], acceptedAt: new Date().toISOString() };
    const channel = await connection.createConfirmChannel();
    channel.publish(exchanges.commands, routingKeys.placeOrder, Buffer.from(JSON.stringify(command)), { persistent: true, messageId: command.orderId, type: messageTypes.placeOrder });
    await channel.waitForConfirms();
    await channel.close();

    let row: { status: string } | undefined;
    for (let i = 0; i < 40 && !row; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      row = (await db.query('SELECT status FROM orders WHERE id = $1', [command.orderId])).rows[0];
    }
    const retried = await takeMessage(connection, `${queues.placeOrder}.retry.1s`, (m) => m.properties.messageId === command.orderId, 3000);

    expect(row?.status).toBe('PENDING');
    expect(retried?.properties.headers?.['x-retry-count']).toBe(1);
  });

  it('when a command is not valid, then it goes to the dead-letter queue with the reason and no order is stored', async () => {
    const bad = { orderId: newId(), customerId: 'not-a-uuid', items: [], acceptedAt: 'yesterday' };
    const channel = await connection.createConfirmChannel();
    channel.publish(exchanges.commands, routingKeys.placeOrder, Buffer.from(JSON.stringify(bad)), { persistent: true, messageId: bad.orderId });
    await channel.waitForConfirms();
    await channel.close();

    const dead = await takeMessage(connection, deadLetterQueue(queues.placeOrder), (m) => m.properties.messageId === bad.orderId);

    const reason = String(dead?.properties.headers?.['x-dead-letter-reason']);
    for (const field of ['customerId', 'items', 'acceptedAt']) expect(reason).toContain(field);
    expect((await db.query('SELECT 1 FROM orders WHERE id = $1', [bad.orderId])).rowCount).toBe(0);
  });
});

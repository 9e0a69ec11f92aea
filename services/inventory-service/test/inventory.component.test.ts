import type { RpcCall } from '@shop/messaging';
import { randomUUID } from 'node:crypto';
import { deadLetterQueue, exchanges, inventoryRpc, newId, queues, routingKeys, type ProductView, type ReservationResult } from '@shop/contracts';
import { AppError } from '@shop/platform';
import type { ChannelModel } from 'amqplib';
import { Client } from 'pg';
import { startInventoryService, type RunningInventoryService } from '../src/app';
import { loadInventoryServiceConfig } from '../src/config';
import { quietLogger, rawConnection, startRpcClient, takeMessage, testEnv, waitReady } from '@shop/test-kit';

let service: RunningInventoryService;
let client: Awaited<ReturnType<typeof startRpcClient>>;
let connection: ChannelModel;

beforeAll(async () => {
  const config = loadInventoryServiceConfig(testEnv('inventory-service', { extra: { HTTP_PORT: '0' } }));
  service = await startInventoryService(config, quietLogger());
  await waitReady(`http://127.0.0.1:${service.port}/readyz`);
  client = await startRpcClient();
  connection = await rawConnection();
});

afterAll(async () => {
  await connection?.close();
  await client?.close();
  await service?.stop();
});

// Each reply is checked against the method's reply contract by the client, as in production.
const call = <T>(method: RpcCall<unknown>, payload: unknown) => client.rpc.call(queues.inventoryRpc, method, payload) as Promise<T>;
const createProduct = (stock: number, price = 100) =>
  call<ProductView>(inventoryRpc.createProduct, { name: `p-${randomUUID()}`, price, stock }).then((p) => p.productId);
const available = async (productId: string) => (await call<ProductView>(inventoryRpc.getProduct, { productId })).available;
const reserve = (orders: Array<{ orderId: string; items: Array<{ productId: string; quantity: number }> }>) =>
  call<{ results: ReservationResult[] }>(inventoryRpc.reserve, { orders }).then((r) => r.results);

describe('inventory-service', () => {
  it('when an order has a reservation row that never got its answer (PENDING), then a reserve decides it and holds its stock', async () => {
    const productId = await createProduct(5, 200);
    const orderId = newId();
    const db = new Client({ connectionString: testEnv('inventory-service').DATABASE_URL });
    await db.connect();
    try {
      await db.query(`INSERT INTO reservations (order_id, status) VALUES ($1, 'PENDING')`, [orderId]);

      const [result] = await reserve([{ orderId, items: [{ productId, quantity: 2 }] }]);

      expect(result).toEqual({ orderId, status: 'RESERVED', lines: [{ productId, quantity: 2, unitPrice: 200 }], currency: 'EUR' });
      expect(await available(productId)).toBe(3);
      expect((await reserve([{ orderId, items: [{ productId, quantity: 2 }] }]))[0]).toEqual(result);
    } finally {
      await db.end();
    }
  });

  it('when the same order is reserved twice, then the second answer repeats the first and stock is taken once', async () => {
    const productId = await createProduct(10, 350);
    const order = { orderId: newId(), items: [{ productId, quantity: 4 }] };

    const first = await reserve([order]);
    const second = await reserve([order]);

    expect(first).toEqual([{ orderId: order.orderId, status: 'RESERVED', currency: 'EUR', lines: [{ productId, quantity: 4, unitPrice: 350 }] }]);
    expect(second).toEqual(first);
    expect(await available(productId)).toBe(6);
  });

  it('when one order is reserved by many requests at once, then all get the same answer and stock is taken once', async () => {
    const productId = await createProduct(10, 120);
    const order = { orderId: newId(), items: [{ productId, quantity: 3 }] };

    const answers = (await Promise.all(Array.from({ length: 8 }, () => reserve([order])))).flat();

    const expected = { orderId: order.orderId, status: 'RESERVED', currency: 'EUR', lines: [{ productId, quantity: 3, unitPrice: 120 }] };
    expect(answers).toEqual(Array.from({ length: 8 }, () => expected));
    expect(await available(productId)).toBe(7);
  });

  it('when 40 orders race for 10 units in separate requests, then exactly 10 are reserved and nothing is oversold', async () => {
    const productId = await createProduct(10);

    const results = (await Promise.all(Array.from({ length: 40 }, () => reserve([{ orderId: newId(), items: [{ productId, quantity: 1 }] }])))).flat();

    expect(results.filter((r) => r.status === 'RESERVED')).toHaveLength(10);
    expect(results.filter((r) => r.status === 'REJECTED')).toHaveLength(30);
    expect(await available(productId)).toBe(0);
  });

  it('when a reservation is released, then stock comes back once, and a reserve arriving afterwards holds nothing', async () => {
    const productId = await createProduct(5);
    const held = newId();
    const neverReserved = newId();
    await reserve([{ orderId: held, items: [{ productId, quantity: 3 }] }]);

    await call(inventoryRpc.release, { orderIds: [held, neverReserved] });
    await call(inventoryRpc.release, { orderIds: [held] });
    const late = await reserve([{ orderId: neverReserved, items: [{ productId, quantity: 2 }] }]);

    expect(late).toEqual([{ orderId: neverReserved, status: 'RELEASED' }]);
    expect(await available(productId)).toBe(5);
  });

  it('when an order.cancelled event arrives, then the order releases its stock', async () => {
    const productId = await createProduct(8);
    const orderId = newId();
    await reserve([{ orderId, items: [{ productId, quantity: 8 }] }]);
    const channel = await connection.createConfirmChannel();
    const event = { orderId, customerId: randomUUID(), status: 'CANCELLED', total: 800, currency: 'EUR', items: [{ productId, quantity: 8 }], occurredAt: new Date().toISOString() };

    channel.publish(exchanges.events, routingKeys.orderCancelled, Buffer.from(JSON.stringify(event)), { messageId: randomUUID(), persistent: true });
    await channel.waitForConfirms();
    await channel.close();

    let stock = 0;
    for (let i = 0; i < 50 && stock !== 8; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      stock = await available(productId);
    }
    expect(stock).toBe(8);
  });

  it('when an event is not valid, then it is dead-lettered with the reason and the service keeps going', async () => {
    const channel = await connection.createConfirmChannel();
    const marker = randomUUID();
    channel.publish(exchanges.events, routingKeys.orderCancelled, Buffer.from(`{"broken": "${marker}"`), { messageId: marker, persistent: true });
    await channel.waitForConfirms();
    await channel.close();

    const dead = await takeMessage(connection, deadLetterQueue(queues.inventoryOrderCancelled), (m) => m.properties.messageId === marker);

    expect(dead?.properties.headers?.['x-dead-letter-reason']).toMatch(/not valid JSON/);
    expect(await available(await createProduct(1))).toBe(1);
  });

  it('when stock would be set below what is reserved, then the update is refused with 409 and nothing changes', async () => {
    const productId = await createProduct(5);
    await reserve([{ orderId: newId(), items: [{ productId, quantity: 4 }] }]);

    const refused = call(inventoryRpc.updateProduct, { productId, stock: 3 });

    await expect(refused).rejects.toMatchObject({ status: 409, code: 'stock-below-reserved' });
    expect(await call<ProductView>(inventoryRpc.updateProduct, { productId, stock: 6, price: 120 })).toMatchObject({ available: 2, onHand: 6, price: 120 });
  });

  it('when a request is not valid, then the reply is a 400 listing the fields', async () => {
    const refused = call(inventoryRpc.reserve, { orders: [{ orderId: 'nope', items: [] }] });

    await expect(refused).rejects.toBeInstanceOf(AppError);
    await expect(refused).rejects.toMatchObject({ status: 400, code: 'validation-error', errors: expect.arrayContaining([expect.objectContaining({ field: 'orders.0.orderId' })]) });
  });
});

import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { deadLetterQueue, moneyLimits, newId, queues } from '@shop/contracts';
import { Api, testEnv, testInfrastructure, tokenFor } from '@shop/test-kit';
import {
  allReady,
  injectRaw,
  killHard,
  memoryAlarm,
  queueDepth,
  publishPlaceOrders,
  queueStats,
  republishCommands,
  restartPostgresImmediately,
  sleep,
  startBroker,
  stopBroker,
  takeDeadLetters,
  waitForMarker,
} from './support/actions';
import { diskFull } from './disk-full';
import { send, type RequestRecord } from './support/traffic';
import { startTcpProxy } from '@shop/test-kit';
import type { Scenario, ScenarioResult } from './support/scenario';

export interface FaultCase {
  id: string;
  scenario: Scenario;
  /** Checks beyond the promise (no loss, no duplicate, no oversell) that the scenario is about. */
  verify?: (result: ScenarioResult) => void | Promise<void>;
}

export type Size = { orders: number; rate: number; faultAtMs: number };
export const short: Size = { orders: 300, rate: 50, faultAtMs: 1000 };
export const full: Size = { orders: 900, rate: 60, faultAtMs: 3000 };

const TEST_VHOST = testInfrastructure.rabbitmq.vhost;

function crashAt(point: string, size: Size): FaultCase {
  const marker = path.join(mkdtempSync(path.join(tmpdir(), 'fault-')), 'fired');
  return {
    id: `kill -9 order-management ${point}`,
    scenario: {
      name: `kill -9 order-management ${point}`,
      ...size,
      platform: { env: { 'order-management': { FAULT_POINT: point, FAULT_AFTER: '3', FAULT_MARKER: marker } } },
      fault: async ({ platform, faultEnded }) => {
        await waitForMarker(marker);
        await allReady(platform);
        faultEnded();
      },
    },
    verify: (r) => expect(r.restarts).toBeGreaterThanOrEqual(1),
  };
}

async function ordersDb<T>(work: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: testEnv('order-management').DATABASE_URL });
  await db.connect();
  try {
    return await work(db);
  } finally {
    await db.end();
  }
}

/**
 * Orders that pass validation but cannot end CONFIRMED, mixed into the batches of live traffic:
 * commands the database cannot store (sent past the gateway, beside valid ones in the same
 * PlaceOrders message), commands that fail the schema, orders priced over the total cap, and one
 * customer whose confirmations a constraint refuses. The good orders must all end as usual; each
 * bad one must be accounted for: dead-lettered alone, or REJECTED with its reason.
 */
function mixedUnstorable(size: Size): FaultCase {
  const state = { dlqMessages: [] as string[], badCommands: new Set<string>(), overflowing: [] as string[], poisonedCustomer: '', poisonedAfter: 0 };
  const constraint = 'fault_poisoned_customer';
  return {
    id: 'valid but unstorable orders mixed into batches',
    scenario: {
      name: 'valid but unstorable orders mixed into batches under load',
      ...size,
      fault: async ({ platform, records, customerIds, faultEnded }) => {
        const productIds = [...new Set(records.flatMap((r) => r.body.items.map((l) => l.productId)))];
        state.poisonedCustomer = customerIds[0];
        state.poisonedAfter = Date.now();
        await ordersDb((db) =>
          db.query(`ALTER TABLE orders ADD CONSTRAINT ${constraint} CHECK (customer_id <> '${state.poisonedCustomer}' OR status <> 'CONFIRMED') NOT VALID`),
        );
        const messages = Array.from({ length: 10 }, (_, m) => {
          const good = [1, 2, 3].map((j) => {
            const customer = 1 + ((m * 3 + j) % (customerIds.length - 1));
            const items = [{ productId: productIds[(m + j) % productIds.length], quantity: 1 }];
            const orderId = newId();
            records.push({ key: randomUUID(), customer, body: { items }, outcome: 'accepted', status: 202, orderId, sentAt: Date.now(), answeredAt: Date.now() });
            return { orderId, customerId: customerIds[customer], items, acceptedAt: new Date().toISOString() };
          });
          const base = () => ({ orderId: newId(), customerId: customerIds[1], items: [{ productId: productIds[0], quantity: 1 }] });
          const unstorable = { ...base(), acceptedAt: '0000-01-01T00:00:00Z' };
          const invalid = { ...base(), acceptedAt: new Date().toISOString(), shippingAddress: { line1: 'x\u0000', city: 'B', postalCode: '1', country: 'DE' } };
          const bad = m % 2 === 0 ? [unstorable, invalid] : [unstorable];
          for (const b of bad) state.badCommands.add(b.orderId);
          return [good[0], bad[0], good[1], ...bad.slice(1), good[2]];
        });
        state.dlqMessages = await publishPlaceOrders(messages);

        const admin = await Api.asAdmin(platform.gatewayUrl);
        const dear = await admin.createProduct(moneyLimits.unitPrice, 100_000);
        for (let i = 0; i < 3; i += 1) {
          const customer = 1 + i;
          const record: RequestRecord = { key: randomUUID(), customer, body: { items: [{ productId: dear, quantity: 1000 }, { productId: productIds[0], quantity: 1 }] }, outcome: 'unknown', sentAt: Date.now(), answeredAt: 0 };
          records.push(record);
          Object.assign(record, await send(platform.gatewayUrl, await tokenFor(customerIds[customer]), record.key, record.body, 5000), { answeredAt: Date.now() });
          if (record.orderId) state.overflowing.push(record.orderId);
        }
        faultEnded();
      },
      cleanup: async () => void (await ordersDb((db) => db.query(`ALTER TABLE orders DROP CONSTRAINT IF EXISTS ${constraint}`))),
    },
    verify: async (r) => {
      expect(r.restarts).toBe(0);
      const dead = await takeDeadLetters(deadLetterQueue(queues.placeOrder), state.dlqMessages);
      expect(dead.size).toBe(state.dlqMessages.length);
      const deadIds = [...dead.values()].flatMap((body) => (body as { commands: Array<{ orderId: string }> }).commands.map((c) => c.orderId));
      expect(deadIds.sort()).toEqual([...state.badCommands].sort());
      const rows = await ordersDb(async (db) => (await db.query(`SELECT id, status, customer_id, rejection, updated_at FROM orders WHERE id = ANY($1::uuid[]) OR customer_id = $2`, [[...state.badCommands, ...state.overflowing], state.poisonedCustomer])).rows);
      expect(rows.filter((row) => state.badCommands.has(row.id))).toEqual([]);
      expect(state.overflowing.length).toBe(3);
      for (const id of state.overflowing) expect(rows.find((row) => row.id === id)).toMatchObject({ status: 'REJECTED', rejection: { code: 'ORDER_TOTAL_TOO_LARGE' } });
      const poisoned = rows.filter((row) => row.customer_id === state.poisonedCustomer && row.updated_at.getTime() > state.poisonedAfter + 1000);
      // Stock may run out first (OUT_OF_STOCK); none may be CONFIRMED, and those that got stock were rejected as invalid.
      expect(poisoned.filter((row) => row.status !== 'REJECTED')).toEqual([]);
      expect(poisoned.filter((row) => row.rejection.code === 'INVALID_ORDER').length).toBeGreaterThan(0);
    },
  };
}

export function faultCases(size: Size): FaultCase[] {
  let redeliveredBefore = 0;
  let stoppedExit: unknown;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>> | undefined;
  let dlqBefore = 0;
  let injected = 0;

  return [
    crashAt('before-commit', size),
    crashAt('after-commit-before-ack', size),
    crashAt('while-publishing-events', size),
    {
      id: 'kill -9 inventory-service and customer-service',
      scenario: {
        name: 'kill -9 inventory-service and customer-service',
        ...size,
        fault: async ({ platform, faultEnded }) => {
          killHard(platform, 'inventory-service');
          await sleep(300);
          killHard(platform, 'customer-service');
          await sleep(1000);
          await allReady(platform);
          faultEnded();
        },
      },
      verify: (r) => expect(r.restarts).toBeGreaterThanOrEqual(2),
    },
    {
      id: 'RabbitMQ stopped and started',
      scenario: {
        name: 'RabbitMQ stopped and started',
        ...size,
        // The broker takes seconds to come back; keep sending long enough to see orders flow again.
        orders: size.orders * 2,
        fault: async ({ platform, faultEnded }) => {
          stopBroker();
          await sleep(3000);
          startBroker();
          await allReady(platform);
          faultEnded();
        },
      },
      verify: (r) => expect(r.restarts).toBe(0),
    },
    {
      id: 'Postgres restarted (immediate)',
      scenario: {
        name: 'Postgres restarted (immediate mode)',
        ...size,
        fault: async ({ platform, faultEnded }) => {
          restartPostgresImmediately();
          await allReady(platform);
          faultEnded();
        },
      },
      verify: (r) => expect(r.restarts).toBe(0),
    },
    {
      id: 'connections cut and stalled past the heartbeat',
      scenario: {
        name: 'connections cut, then stalled past the heartbeat (TCP proxy)',
        ...size,
        prepare: async () => {
          proxy = await startTcpProxy(testInfrastructure.rabbitmq.port);
          return { env: { '*': { RABBITMQ_URL: `amqp://platform:platform-dev@127.0.0.1:${proxy.port}/${TEST_VHOST}` } } };
        },
        fault: async ({ platform, faultEnded }) => {
          proxy!.cutAll();
          await sleep(2000);
          proxy!.stall(true);
          await sleep(6000);
          proxy!.cutAll();
          proxy!.stall(false);
          await allReady(platform);
          faultEnded();
        },
        cleanup: async () => proxy?.close(),
      },
      verify: (r) => expect(r.restarts).toBe(0),
    },
    {
      id: 'SIGSTOP then SIGCONT of order-management',
      scenario: {
        name: 'SIGSTOP / SIGCONT of order-management (hung 6 s)',
        ...size,
        fault: async ({ platform, faultEnded }) => {
          const pid = platform.pid('order-management')!;
          process.kill(pid, 'SIGSTOP');
          await sleep(6000);
          process.kill(pid, 'SIGCONT');
          await allReady(platform);
          faultEnded();
        },
      },
    },
    {
      id: 'poison messages',
      scenario: {
        name: 'poison messages injected into the work queues',
        ...size,
        prepare: async () => {
          dlqBefore = await queueDepth(deadLetterQueue(queues.placeOrder));
        },
        fault: async ({ faultEnded }) => {
          const poison = ['not json', '{"orderId": 42}', '[]', '{"orderId":"00000000-0000-4000-8000-000000000000","customerId":"x","items":[]}', '\u0000\u0001'];
          injected = poison.length;
          await injectRaw(queues.placeOrder, poison);
          await injectRaw(queues.inventoryOrderCancelled, ['{"status":"CANCELLED"}', 'garbage']);
          faultEnded();
        },
      },
      verify: async (r) => {
        expect(r.restarts).toBe(0);
        expect((await queueDepth(deadLetterQueue(queues.placeOrder))) - dlqBefore).toBe(injected);
      },
    },
    mixedUnstorable(size),
    diskFull(size),
    {
      id: 'duplicate deliveries and replay',
      scenario: {
        name: 'duplicate deliveries during load, then a replay of all processed commands',
        ...size,
        fault: async ({ records, customerIds, faultEnded }) => {
          await republishCommands(records, customerIds, 2);
          await sleep(size.orders / size.rate * 1000 - size.faultAtMs + 500);
          await republishCommands(records, customerIds, 1);
          faultEnded();
        },
      },
    },
    {
      id: 'inventory slower than the request timeout',
      scenario: {
        name: 'inventory slower than the request timeout (every 4th reserve 2.5 s, timeout 1.5 s)',
        ...size,
        platform: { env: { 'inventory-service': { FAULT_SLOW_RESERVE_MS: '2500', FAULT_SLOW_EVERY: '4' } } },
        fault: async ({ faultEnded }) => faultEnded(),
      },
    },
    {
      id: 'SIGTERM of one of two order-management replicas',
      scenario: {
        name: 'SIGTERM of one of two order-management replicas',
        ...size,
        platform: { extraOrderManagers: 1 },
        prepare: async () => {
          redeliveredBefore = (await queueStats(TEST_VHOST, queues.placeOrder)).redeliver;
        },
        fault: async ({ platform, faultEnded }) => {
          stoppedExit = await platform.supervisor.stopOne('order-management-2');
          faultEnded();
        },
      },
      verify: async () => {
        expect(stoppedExit).toEqual({ code: 0, signal: null });
        await sleep(6000); // the management API aggregates its counters every 5 s
        expect((await queueStats(TEST_VHOST, queues.placeOrder)).redeliver - redeliveredBefore).toBe(0);
      },
    },
    {
      id: 'broker memory alarm',
      scenario: {
        name: 'broker memory alarm while the gateway takes traffic',
        ...size,
        fault: async ({ faultEnded }) => {
          memoryAlarm(true);
          await sleep(3000);
          memoryAlarm(false);
          faultEnded();
        },
        cleanup: async () => void memoryAlarm(false),
      },
      verify: (r) => {
        expect(r.restarts).toBe(0);
        expect(r.unknown).toBe(0);
      },
    },
  ];
}

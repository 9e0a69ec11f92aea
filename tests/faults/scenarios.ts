import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deadLetterQueue, queues } from '@shop/contracts';
import {
  allReady,
  injectRaw,
  killHard,
  memoryAlarm,
  queueDepth,
  queueStats,
  republishCommands,
  restartPostgresImmediately,
  sleep,
  startBroker,
  stopBroker,
  waitForMarker,
} from './support/actions';
import { startTcpProxy } from './support/tcp-proxy';
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

const TEST_VHOST = 'platform-test';

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
          proxy = await startTcpProxy(5672);
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

import { queues } from '@shop/contracts';
import { sleep } from '@shop/test-kit';
import type { FaultCase } from '../faults/scenarios';
import type { FaultContext } from '../faults/support/scenario';
import type { RequestRecord } from '../faults/support/traffic';
import { ha, leaderOf, reportFile } from './support/ha';

/** When the fault started and ended, and the traffic that saw it, for the checks after the run. */
interface Window {
  records?: RequestRecord[];
  start?: number;
  end?: number;
  steps: string[];
}

const SETTLE_MS = 10_000;

/**
 * Refusals only while the fault holds: what was sent more than SETTLE_MS after the fault ended is
 * never refused. Prints the refusals by status and when they happened, for docs/reliability.md.
 */
function checkRefusals(name: string, window: Window): void {
  const records = window.records ?? [];
  const refused = records.filter((r) => r.outcome === 'refused');
  const byStatus = Object.fromEntries([...new Set(refused.map((r) => r.status))].map((s) => [s, refused.filter((r) => r.status === s).length]));
  const after = refused.filter((r) => r.sentAt > window.end! + SETTLE_MS);
  const seconds = (t: number) => Math.round((t - window.start!) / 100) / 10;
  process.stdout.write(
    `${name}: fault ${seconds(window.end!)} s long (${window.steps.join(', ')}); refused by status ${JSON.stringify(byStatus)}, ` +
      `first ${refused.length ? seconds(refused[0].sentAt) : '–'} s, last ${refused.length ? seconds(refused[refused.length - 1].sentAt) : '–'} s after the fault began\n`,
  );
  expect(after).toHaveLength(0);
}

/** Runs the fault's steps, noting how long each took. */
async function timed(window: Window, label: string, step: () => unknown): Promise<void> {
  const started = Date.now();
  await step();
  window.steps.push(`${label} ${Math.round((Date.now() - started) / 100) / 10} s`);
}

const begin = (window: Window, ctx: FaultContext) => {
  window.records = ctx.records;
  window.start = Date.now();
};

export type Size = { orders: number; rate: number; faultAtMs: number };
/** About a minute of traffic at a rate three Erlang nodes and two PostgreSQL clusters keep up with on 2 cores. */
export const full: Size = { orders: 1800, rate: 30, faultAtMs: 8000 };

const onHa = { profile: 'ha' as const };

/** kill -9 the node leading the PlaceOrder queue; the other two elect a new leader and carry on. */
function killLeader(size: Size): FaultCase {
  const seen: { killed?: number; leaderAfter?: number } = {};
  const window: Window = { steps: [] };
  return {
    id: 'kill -9 the RabbitMQ node leading order-management.place-order',
    scenario: {
      name: 'kill -9 the RabbitMQ node leading order-management.place-order',
      ...size,
      platform: onHa,
      report: reportFile,
      fault: async (ctx) => {
        begin(window, ctx);
        seen.killed = leaderOf(queues.placeOrder);
        await timed(window, `kill -9 node ${seen.killed}`, () => ha('rabbit-kill', String(seen.killed)));
        // The system is whole again without the node: recovery counts from the kill.
        ctx.faultEnded();
        window.end = Date.now();
        await sleep(15_000);
        seen.leaderAfter = leaderOf(queues.placeOrder);
        await timed(window, `node ${seen.killed} back (15 s later)`, () => ha('rabbit-start', String(seen.killed)));
      },
    },
    verify: () => {
      expect(seen.leaderAfter).toBeDefined();
      expect(seen.leaderAfter).not.toBe(seen.killed);
      checkRefusals('kill -9 leader', window);
    },
  };
}

/** Every node stopped gracefully and started again, one after another, as an operator upgrades. */
function rollingRestart(size: Size): FaultCase {
  const window: Window = { steps: [] };
  return {
    id: 'rolling restart of the three RabbitMQ nodes',
    scenario: {
      name: 'rolling restart of the three RabbitMQ nodes',
      ...size,
      // Three restarts take about a minute and a half here: traffic for two minutes.
      orders: size.rate * 120,
      platform: onHa,
      report: reportFile,
      fault: async (ctx) => {
        begin(window, ctx);
        for (const node of ['1', '2', '3']) {
          await timed(window, `stop ${node}`, () => ha('rabbit-stop', node));
          await sleep(2000);
          await timed(window, `start ${node}`, () => ha('rabbit-start', node));
          // As an operator would: the restarted node's replicas catch up before the next stop.
          await sleep(3000);
        }
        ctx.faultEnded();
        window.end = Date.now();
      },
    },
    verify: () => checkRefusals('rolling restart', window),
  };
}

/**
 * kill -9 the PostgreSQL primary; after a detection delay the standby is promoted (what CNPG's
 * failover does), and the old primary comes back as the new primary's standby (pg_basebackup -R).
 */
function postgresFailover(size: Size): FaultCase {
  const seen: { before?: string; after?: string } = {};
  const window: Window = { steps: [] };
  return {
    id: 'kill -9 the PostgreSQL primary, promote the standby, the old primary back as standby',
    scenario: {
      name: 'kill -9 the PostgreSQL primary, promote the standby, the old primary back as standby',
      ...size,
      platform: onHa,
      report: reportFile,
      fault: async (ctx) => {
        begin(window, ctx);
        seen.before = ha('pg-primary');
        await timed(window, `kill -9 ${seen.before}`, () => ha('pg-kill-primary'));
        await sleep(2000);
        await timed(window, 'promote (after 2 s)', () => ha('pg-promote'));
        seen.after = ha('pg-primary');
        ctx.faultEnded();
        window.end = Date.now();
        await sleep(5000);
        await timed(window, 'old primary rebuilt as standby (5 s later)', () => ha('pg-rejoin'));
      },
    },
    verify: () => {
      expect(seen.after).toBeDefined();
      expect(seen.after).not.toBe(seen.before);
      // The old primary streams again, synchronously.
      expect(ha('status')).toMatch(/standby/);
      expect(ha('pg-sync-state')).toBe('sync');
      checkRefusals('postgres failover', window);
    },
  };
}

export const haCases = (size: Size): FaultCase[] => [killLeader(size), rollingRestart(size), postgresFailover(size)];

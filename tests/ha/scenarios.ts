import { queues } from '@shop/contracts';
import { sleep } from '@shop/test-kit';
import type { FaultCase } from '../faults/scenarios';
import type { FaultContext } from '../faults/support/scenario';
import type { RequestRecord } from '../faults/support/traffic';
import { awaitHealed, ha, lead, leaderOf, nodeOf, reportFile } from './support/ha';

export type Size = { orders: number; rate: number; faultAtMs: number };
/** About a minute of traffic at a rate three Erlang nodes and two PostgreSQL clusters keep up with on 2 cores. */
export const full: Size = { orders: 1800, rate: 30, faultAtMs: 8000 };

const SETTLE_MS = 10_000;

/** What an HA fault does while traffic runs. */
interface HaFault {
  name: string;
  /** Seconds of traffic, when the size's minute is too short for the fault. */
  seconds?: number;
  /**
   * Breaks and repairs the topology: each step is timed and printed; `ended()` marks when the
   * fault no longer holds (recovery and the refusal check count from there).
   */
  run(steps: { step: (label: string, action: () => Promise<unknown>) => Promise<void>; ended: () => void }, ctx: FaultContext): Promise<void>;
  /** Checks beyond the promise and the refusals. */
  verify?(): void | Promise<void>;
}

/** When the fault started and ended, and the traffic that saw it. */
interface Window {
  records: RequestRecord[];
  start: number;
  end: number;
  steps: string[];
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;

/**
 * Refusals only while the fault holds: what was sent more than SETTLE_MS after the fault ended is
 * never refused. Prints the steps, the refusals by status and code and when they happened, and
 * what the requests sent while the fault held got, for docs/reliability.md.
 */
function checkRefusals(name: string, { records, start, end, steps }: Window): void {
  const refused = records.filter((r) => r.outcome === 'refused');
  const count = (list: RequestRecord[], key: (r: RequestRecord) => string | number | undefined) =>
    JSON.stringify(Object.fromEntries([...new Set(list.map(key))].map((k) => [k, list.filter((r) => key(r) === k).length])));
  const during = records.filter((r) => r.sentAt >= start && r.sentAt <= end);
  const after = refused.filter((r) => r.sentAt > end + SETTLE_MS);
  const at = (t: number) => seconds(t - start);
  process.stdout.write(
    `${name}: fault held ${seconds(end - start)} s (${steps.join(', ')}); sent while it held: ${count(during, (r) => r.outcome)}; ` +
      `refused by status and code ${count(refused, (r) => `${r.status} ${r.code ?? ''}`.trim())}, first ${refused.length ? at(refused[0].sentAt) : '–'} s, ` +
      `last ${refused.length ? at(refused[refused.length - 1].sentAt) : '–'} s after the fault began\n`,
  );
  expect(after).toHaveLength(0);
}

/** The shape every HA scenario shares: traffic on the HA profile, the fault's timed steps, the refusal check. */
function haCase(short: string, size: Size, fault: HaFault): FaultCase {
  const window: Window = { records: [], start: 0, end: 0, steps: [] };
  return {
    id: fault.name,
    scenario: {
      name: fault.name,
      ...size,
      ...(fault.seconds ? { orders: size.rate * fault.seconds } : {}),
      platform: { profile: 'ha' },
      report: reportFile,
      fault: async (ctx) => {
        Object.assign(window, { records: ctx.records, start: Date.now(), end: 0, steps: [] });
        const step = async (label: string, action: () => Promise<unknown>) => {
          const started = Date.now();
          await action();
          window.steps.push(`${label} ${seconds(Date.now() - started)} s`);
        };
        const ended = () => {
          ctx.faultEnded();
          window.end = Date.now();
        };
        await fault.run({ step, ended }, ctx);
        if (!window.end) ended();
      },
    },
    verify: async () => {
      await fault.verify?.();
      checkRefusals(short, window);
    },
  };
}

/**
 * kill -9 the node leading the PlaceOrder queue; the other two elect a new leader and carry on. The
 * worst case for the gateway: its own connection is on that node, and that node leads both queues
 * it sends to, so it reconnects while their leaders are being elected (RabbitMQ 3.10 drops what a
 * channel first publishes to a quorum queue in that window: docs/reliability.md).
 */
function killLeader(size: Size): FaultCase {
  const seen: { killed?: number; leaderAfter?: number } = {};
  return haCase('kill -9 leader', size, {
    name: 'kill -9 the RabbitMQ node leading order-management.place-order',
    run: async ({ step, ended }) => {
      const node = (seen.killed = await nodeOf('api-gateway'));
      await step(`node ${node} (the gateway's) leads the queues the gateway sends to`, () => Promise.all([lead(queues.placeOrder, node), lead(queues.orderRpc, node)]));
      await step(`kill -9 node ${node}`, () => ha('rabbit-kill', String(node)));
      // The system is whole again without the node: recovery counts from the kill.
      ended();
      await sleep(15_000);
      seen.leaderAfter = await leaderOf(queues.placeOrder);
      await step(`node ${node} back (15 s later)`, () => ha('rabbit-start', String(node)));
    },
    verify: () => {
      expect(seen.leaderAfter).toBeDefined();
      expect(seen.leaderAfter).not.toBe(seen.killed);
    },
  });
}

/** Every node stopped gracefully and started again, one after another, as an operator upgrades. */
function rollingRestart(size: Size): FaultCase {
  return haCase('rolling restart', size, {
    name: 'rolling restart of the three RabbitMQ nodes',
    // Three restarts take about a minute and a half here: traffic for two minutes.
    seconds: 120,
    run: async ({ step }) => {
      for (const node of ['1', '2', '3']) {
        await step(`stop ${node}`, () => ha('rabbit-stop', node));
        await sleep(2000);
        await step(`start ${node}`, () => ha('rabbit-start', node));
        // As an operator would: the restarted node's replicas catch up before the next stop.
        await sleep(3000);
      }
    },
  });
}

/** How long a partition holds: past the 10 s net tick time, so the cut-off node pauses. */
const PARTITION_HOLD_MS = 25_000;

/**
 * The node leading the PlaceOrder queue loses the other two (iptables drops the distribution
 * traffic both ways) for 25 s: the majority elects new leaders, the node pauses itself
 * (pause_minority, once the 10 s net tick time has passed) and its clients move to the others;
 * healed, it restarts and rejoins. Recovery counts from the heal.
 */
function partitionLeader(size: Size): FaultCase {
  const seen: { node?: number; leaderDuring?: number; partitions?: string; healed?: string } = {};
  return haCase('partition', size, {
    name: 'partition the RabbitMQ node leading order-management.place-order from the other two, then heal',
    seconds: 90,
    run: async ({ step, ended }) => {
      const node = String((seen.node = await leaderOf(queues.placeOrder)));
      const start = Date.now();
      await step(`partition node ${node}`, () => ha('rabbit-partition', node));
      await step(`node ${node} paused itself`, () => ha('rabbit-paused', node));
      seen.leaderDuring = await leaderOf(queues.placeOrder);
      await sleep(Math.max(0, start + PARTITION_HOLD_MS - Date.now()));
      await step('heal', () => ha('rabbit-heal', node));
      // The fault no longer holds once the rules are gone; the node's restart is recovery.
      ended();
      await step(`node ${node} running again`, async () => (seen.healed = await awaitHealed(node)));
      if (seen.healed === 'restarted') process.stdout.write(`partition: node ${node} hung after the heal (Erlang global) and was restarted\n`);
      seen.partitions = await ha('rabbit-partitions');
    },
    verify: () => {
      expect(seen.leaderDuring).toBeDefined();
      expect(seen.leaderDuring).not.toBe(seen.node);
      // pause_minority kept the two sides from running apart: no node recorded a partition.
      expect(seen.partitions).toBe('');
    },
  });
}

/**
 * kill -9 the PostgreSQL primary; after a detection delay the standby is promoted (what CNPG's
 * failover does), and the old primary comes back as the new primary's standby (pg_basebackup -R).
 */
function postgresFailover(size: Size): FaultCase {
  const seen: { before?: string; after?: string } = {};
  return haCase('postgres failover', size, {
    name: 'kill -9 the PostgreSQL primary, promote the standby, the old primary back as standby',
    run: async ({ step, ended }) => {
      seen.before = await ha('pg-primary');
      await step(`kill -9 ${seen.before}`, () => ha('pg-kill-primary'));
      await sleep(2000);
      await step('promote (after 2 s)', () => ha('pg-promote'));
      seen.after = await ha('pg-primary');
      ended();
      await sleep(5000);
      await step('old primary rebuilt as standby (5 s later)', () => ha('pg-rejoin'));
    },
    verify: async () => {
      expect(seen.after).toBeDefined();
      expect(seen.after).not.toBe(seen.before);
      // The old primary streams again, synchronously.
      expect(await ha('status')).toMatch(/standby/);
      expect(await ha('pg-sync-state')).toBe('sync');
    },
  });
}

export const haCases = (size: Size): FaultCase[] => [killLeader(size), rollingRestart(size), partitionLeader(size), postgresFailover(size)];

import { queues } from '@shop/contracts';
import { sleep } from '@shop/test-kit';
import type { FaultCase } from '../faults/scenarios';
import { ha, leaderOf, reportFile } from './support/ha';

export type Size = { orders: number; rate: number; faultAtMs: number };
/** About a minute of traffic at a rate three Erlang nodes and two PostgreSQL clusters keep up with on 2 cores. */
export const full: Size = { orders: 1800, rate: 30, faultAtMs: 8000 };

const onHa = { profile: 'ha' as const };

/** kill -9 the node leading the PlaceOrder queue; the other two elect a new leader and carry on. */
function killLeader(size: Size): FaultCase {
  const seen: { killed?: number; leaderAfter?: number } = {};
  return {
    id: 'kill -9 the RabbitMQ node leading order-management.place-order',
    scenario: {
      name: 'kill -9 the RabbitMQ node leading order-management.place-order',
      ...size,
      platform: onHa,
      report: reportFile,
      fault: async ({ faultEnded }) => {
        seen.killed = leaderOf(queues.placeOrder);
        ha('rabbit-kill', String(seen.killed));
        // The system is whole again without the node: recovery counts from the kill.
        faultEnded();
        await sleep(15_000);
        seen.leaderAfter = leaderOf(queues.placeOrder);
        ha('rabbit-start', String(seen.killed));
      },
    },
    verify: () => {
      expect(seen.leaderAfter).toBeDefined();
      expect(seen.leaderAfter).not.toBe(seen.killed);
    },
  };
}

/** Every node stopped gracefully and started again, one after another, as an operator upgrades. */
function rollingRestart(size: Size): FaultCase {
  return {
    id: 'rolling restart of the three RabbitMQ nodes',
    scenario: {
      name: 'rolling restart of the three RabbitMQ nodes',
      ...size,
      platform: onHa,
      report: reportFile,
      fault: async ({ faultEnded }) => {
        for (const node of ['1', '2', '3']) {
          ha('rabbit-stop', node);
          await sleep(2000);
          ha('rabbit-start', node);
          await sleep(3000);
        }
        faultEnded();
      },
    },
  };
}

/**
 * kill -9 the PostgreSQL primary; after a detection delay the standby is promoted (what CNPG's
 * failover does), and the old primary comes back as the new primary's standby (pg_basebackup -R).
 */
function postgresFailover(size: Size): FaultCase {
  const seen: { before?: string; after?: string } = {};
  return {
    id: 'kill -9 the PostgreSQL primary, promote the standby, the old primary back as standby',
    scenario: {
      name: 'kill -9 the PostgreSQL primary, promote the standby, the old primary back as standby',
      ...size,
      platform: onHa,
      report: reportFile,
      fault: async ({ faultEnded }) => {
        seen.before = ha('pg-primary');
        ha('pg-kill-primary');
        await sleep(2000);
        ha('pg-promote');
        seen.after = ha('pg-primary');
        faultEnded();
        await sleep(5000);
        ha('pg-rejoin');
      },
    },
    verify: () => {
      expect(seen.after).toBeDefined();
      expect(seen.after).not.toBe(seen.before);
      // The old primary streams again, synchronously.
      expect(ha('status')).toMatch(/standby/);
    },
  };
}

export const haCases = (size: Size): FaultCase[] => [killLeader(size), rollingRestart(size), postgresFailover(size)];

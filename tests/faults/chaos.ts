import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startTcpProxy, testInfrastructure, type PlatformOptions } from '@shop/test-kit';
import { haChaos } from '../ha/chaos-faults';
import { allReady, memoryAlarm, restartPostgresImmediately, sleep, startBroker, stopBroker } from './support/actions';
import { fillDisk, freeDisk, restore, setUpSmallDisk } from './disk-full';
import { between, held, serviceNemeses, type Nemesis } from './support/nemesis';
import type { Scenario } from './support/scenario';
import { seededRandom } from './support/traffic';

/**
 * A randomised fault schedule in the spirit of Jepsen's nemesis: under steady traffic, a seeded
 * sequence of the fault suite's faults, each at a random time for a random while, then healed,
 * until the run's minutes are up. The same seed gives the same sequence, gaps and durations
 * (CHAOS_SEED); the platform's own timing still varies from run to run. On the test profile's
 * single node and database, or on the HA topology (npm run ha), whose catalogue adds broker nodes
 * killed, stopped and partitioned and the database primary failed over (tests/ha/chaos-faults.ts).
 */
export type Topology = 'test' | 'ha';

export interface ChaosOptions {
  minutes: number;
  seed: number;
  topology?: Topology;
  /** Orders per second, steady for the whole run. */
  rate?: number;
}

export interface TimelineEntry {
  /** Seconds from the start of the schedule. */
  at: number;
  fault: string;
  /** Which node or cluster it hit, when the fault chooses one. */
  detail?: string;
  /** How long the fault held, in seconds. */
  held: number;
  /** How long healing took (a node's boot, a standby's rebuild), in seconds. */
  heal?: number;
  /** From healed to every service ready again, in seconds. */
  recovery: number;
}

/** What a topology brings to a chaos run: its faults, its platform, and what surrounds the run. */
export interface ChaosTopology {
  catalogue: Nemesis[];
  /** Orders per second the topology keeps up with on this machine. */
  rate: number;
  prepare(): Promise<PlatformOptions>;
  cleanup(): Promise<void>;
}

/** The test profile: one broker node behind a TCP proxy, one database with a small disk for the orders. */
function testChaos(): ChaosTopology {
  let proxy: Awaited<ReturnType<typeof startTcpProxy>> | undefined;
  return {
    catalogue: nemeses(() => proxy!),
    rate: 40,
    prepare: async () => {
      setUpSmallDisk();
      proxy = await startTcpProxy(testInfrastructure.rabbitmq.port);
      const { vhost } = testInfrastructure.rabbitmq;
      return { env: { '*': { RABBITMQ_URL: `amqp://platform:platform-dev@127.0.0.1:${proxy.port}/${vhost}` } } };
    },
    cleanup: async () => {
      memoryAlarm(false);
      await proxy?.close();
      restore();
    },
  };
}

function nemeses(proxy: () => Awaited<ReturnType<typeof startTcpProxy>>): Nemesis[] {
  return [
    ...serviceNemeses(),
    held('RabbitMQ stopped', 500, 4000, () => {
      stopBroker();
      return { heal: startBroker };
    }),
    {
      name: 'Postgres restarted (immediate)',
      run: async () => {
        restartPostgresImmediately();
        return { held: 0 };
      },
    },
    held('broker memory alarm', 1000, 5000, () => {
      memoryAlarm(true);
      return { heal: () => memoryAlarm(false) };
    }),
    held('broker connections cut and stalled', 500, 5000, () => {
      proxy().cutAll();
      proxy().stall(true);
      return {
        heal: () => {
          proxy().cutAll();
          proxy().stall(false);
        },
      };
    }),
    held('orders database disk full', 1000, 6000, () => {
      fillDisk();
      return { heal: freeDisk };
    }),
  ];
}

const timelineFile = path.resolve(__dirname, '../../reports/chaos-timeline.jsonl');

/** The whole chaos run as one scenario of the fault suite: its traffic, reconciliation and report row. */
export function chaosScenario({ minutes, seed, topology = 'test', rate }: ChaosOptions, timeline: TimelineEntry[]): Scenario {
  const chaos = topology === 'ha' ? haChaos() : testChaos();
  const perSecond = rate ?? chaos.rate;
  const random = seededRandom(seed);
  const warmUpMs = 5000;
  return {
    name: `chaos${topology === 'ha' ? ' (HA topology)' : ''}: ${minutes} min of random faults, CHAOS_SEED=${seed}`,
    // Traffic runs the whole schedule and a little after, so the last heal is seen under load.
    orders: Math.round(perSecond * (minutes * 60 + 20)),
    rate: perSecond,
    faultAtMs: warmUpMs,
    prepare: async () => {
      rmSync(timelineFile, { force: true });
      mkdirSync(path.dirname(timelineFile), { recursive: true });
      return chaos.prepare();
    },
    fault: async ({ platform, faultEnded }) => {
      const start = Date.now();
      const end = start + minutes * 60_000 - warmUpMs;
      while (Date.now() < end) {
        await sleep(between(random, 3000, 15_000));
        if (Date.now() >= end) break;
        const nemesis = chaos.catalogue[Math.floor(random() * chaos.catalogue.length)];
        const at = Math.round((Date.now() - start) / 100) / 10;
        const { held: heldFor, detail, heal } = await nemesis.run(platform, random);
        const healed = Date.now();
        await allReady(platform);
        const entry: TimelineEntry = { at, fault: nemesis.name, ...(detail ? { detail } : {}), held: heldFor, heal, recovery: Math.round((Date.now() - healed) / 100) / 10 };
        timeline.push(entry);
        appendFileSync(timelineFile, `${JSON.stringify(entry)}\n`);
        const what = detail ? `${nemesis.name} (${detail})` : nemesis.name;
        process.stdout.write(`chaos ${String(at).padStart(7)} s  ${what.padEnd(48)} held ${entry.held} s, healed in ${entry.heal ?? 0} s, ready again after ${entry.recovery} s\n`);
      }
      faultEnded();
    },
    cleanup: () => chaos.cleanup(),
  };
}

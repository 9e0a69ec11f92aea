import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startTcpProxy, testInfrastructure, type RunningPlatform } from '@shop/test-kit';
import { allReady, killHard, memoryAlarm, restartPostgresImmediately, sleep, startBroker, stopBroker } from './support/actions';
import { fillDisk, freeDisk, restore, setUpSmallDisk } from './disk-full';
import type { Scenario } from './support/scenario';
import { seededRandom } from './support/traffic';

/**
 * A randomised fault schedule in the spirit of Jepsen's nemesis: under steady traffic, a seeded
 * sequence of the fault suite's faults, each at a random time for a random while, then healed,
 * until the run's minutes are up. The same seed gives the same sequence, gaps and durations
 * (CHAOS_SEED); the platform's own timing still varies from run to run.
 */
export interface ChaosOptions {
  minutes: number;
  seed: number;
  /** Orders per second, steady for the whole run. */
  rate?: number;
}

export interface TimelineEntry {
  /** Seconds from the start of the schedule. */
  at: number;
  fault: string;
  /** How long the fault held, in seconds. */
  held: number;
  /** From healing to every service ready again, in seconds. */
  recovery: number;
}

type Random = () => number;
interface Nemesis {
  name: string;
  /** Breaks something, holds it, heals it; resolves once healed. */
  run(platform: RunningPlatform, random: Random): Promise<{ held: number }>;
}

const between = (random: Random, min: number, max: number) => min + Math.floor(random() * (max - min + 1));

async function holdFor(ms: number): Promise<{ held: number }> {
  await sleep(ms);
  return { held: Math.round(ms / 100) / 10 };
}

function nemeses(proxy: () => Awaited<ReturnType<typeof startTcpProxy>>): Nemesis[] {
  const kill = (service: string): Nemesis => ({
    name: `kill -9 ${service}`,
    run: async (platform) => {
      killHard(platform, service);
      return { held: 0 };
    },
  });
  /** A fault that holds for a random while in [minMs, maxMs], then heals, whatever happened meanwhile. */
  const held = (name: string, minMs: number, maxMs: number, breakIt: (platform: RunningPlatform) => () => void): Nemesis => ({
    name,
    run: async (platform, random) => {
      const heal = breakIt(platform);
      try {
        return await holdFor(between(random, minMs, maxMs));
      } finally {
        heal();
      }
    },
  });
  return [
    kill('order-management'),
    kill('inventory-service'),
    kill('customer-service'),
    kill('api-gateway'),
    held('SIGSTOP order-management', 1000, 6000, (platform) => {
      const pid = platform.pid('order-management')!;
      process.kill(pid, 'SIGSTOP');
      return () => process.kill(pid, 'SIGCONT');
    }),
    held('RabbitMQ stopped', 500, 4000, () => {
      stopBroker();
      return startBroker;
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
      return () => memoryAlarm(false);
    }),
    held('broker connections cut and stalled', 500, 5000, () => {
      proxy().cutAll();
      proxy().stall(true);
      return () => {
        proxy().cutAll();
        proxy().stall(false);
      };
    }),
    held('orders database disk full', 1000, 6000, () => {
      fillDisk();
      return freeDisk;
    }),
  ];
}

const timelineFile = path.resolve(__dirname, '../../reports/chaos-timeline.jsonl');

/** The whole chaos run as one scenario of the fault suite: its traffic, reconciliation and report row. */
export function chaosScenario({ minutes, seed, rate = 40 }: ChaosOptions, timeline: TimelineEntry[]): Scenario {
  let proxy: Awaited<ReturnType<typeof startTcpProxy>> | undefined;
  const catalogue = nemeses(() => proxy!);
  const random = seededRandom(seed);
  const warmUpMs = 5000;
  return {
    name: `chaos: ${minutes} min of random faults, CHAOS_SEED=${seed}`,
    // Traffic runs the whole schedule and a little after, so the last heal is seen under load.
    orders: Math.round(rate * (minutes * 60 + 20)),
    rate,
    faultAtMs: warmUpMs,
    prepare: async () => {
      rmSync(timelineFile, { force: true });
      mkdirSync(path.dirname(timelineFile), { recursive: true });
      setUpSmallDisk();
      proxy = await startTcpProxy(testInfrastructure.rabbitmq.port);
      const { vhost } = testInfrastructure.rabbitmq;
      return { env: { '*': { RABBITMQ_URL: `amqp://platform:platform-dev@127.0.0.1:${proxy.port}/${vhost}` } } };
    },
    fault: async ({ platform, faultEnded }) => {
      const start = Date.now();
      const end = start + minutes * 60_000 - warmUpMs;
      while (Date.now() < end) {
        await sleep(between(random, 3000, 15_000));
        if (Date.now() >= end) break;
        const nemesis = catalogue[Math.floor(random() * catalogue.length)];
        const at = Math.round((Date.now() - start) / 100) / 10;
        const { held } = await nemesis.run(platform, random);
        const healed = Date.now();
        await allReady(platform);
        const entry = { at, fault: nemesis.name, held, recovery: Math.round((Date.now() - healed) / 100) / 10 };
        timeline.push(entry);
        appendFileSync(timelineFile, `${JSON.stringify(entry)}\n`);
        process.stdout.write(`chaos ${String(at).padStart(7)} s  ${nemesis.name.padEnd(36)} held ${entry.held} s, ready again after ${entry.recovery} s\n`);
      }
      faultEnded();
    },
    cleanup: async () => {
      memoryAlarm(false);
      await proxy?.close();
      restore();
    },
  };
}

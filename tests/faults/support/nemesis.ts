import type { RunningPlatform } from '@shop/test-kit';
import { killHard, sleep } from './actions';

/** The faults of a chaos schedule (tests/faults/chaos.ts), each drawn by a seeded generator. */
export type Random = () => number;

export interface NemesisRun {
  /** How long the fault held, in seconds. */
  held: number;
  /** What exactly was hit (which node, which cluster), for the timeline. */
  detail?: string;
  /** How long healing took (a node's boot, a standby's rebuild), in seconds. */
  heal?: number;
}

export interface Nemesis {
  name: string;
  /** Breaks something, holds it, heals it; resolves once healed. */
  run(platform: RunningPlatform, random: Random): Promise<NemesisRun>;
}

/** An integer in [min, max]. */
export const between = (random: Random, min: number, max: number) => min + Math.floor(random() * (max - min + 1));

const seconds = (ms: number) => Math.round(ms / 100) / 10;

export const killService = (service: string): Nemesis => ({
  name: `kill -9 ${service}`,
  run: async (platform) => {
    killHard(platform, service);
    return { held: 0 };
  },
});

/** What a held fault breaks, and how it heals; `detail` names what was hit. */
type Breaking = { heal: () => unknown; detail?: string };

/**
 * A fault that holds for a random while in [minMs, maxMs], then heals, whatever happened
 * meanwhile. Every draw from `random` happens before anything breaks, so a seed replays the same
 * choices however long each step takes.
 */
export const held = (name: string, minMs: number, maxMs: number, breakIt: (platform: RunningPlatform, random: Random) => Breaking | Promise<Breaking>): Nemesis => ({
  name,
  run: async (platform, random) => {
    const holdMs = between(random, minMs, maxMs);
    const started = Date.now();
    const { heal, detail } = await breakIt(platform, random);
    let healingAt = Date.now();
    try {
      await sleep(Math.max(0, started + holdMs - Date.now()));
      healingAt = Date.now();
    } finally {
      await heal();
    }
    return { held: seconds(healingAt - started), detail, heal: seconds(Date.now() - healingAt) };
  },
});

export const sigstop = (service: string, minMs: number, maxMs: number): Nemesis =>
  held(`SIGSTOP ${service}`, minMs, maxMs, (platform) => {
    const pid = platform.pid(service)!;
    process.kill(pid, 'SIGSTOP');
    return { heal: () => process.kill(pid, 'SIGCONT') };
  });

/** The faults of the services themselves, the same on every topology. */
export const serviceNemeses = (): Nemesis[] => [
  killService('order-management'),
  killService('inventory-service'),
  killService('customer-service'),
  killService('api-gateway'),
  sigstop('order-management', 1000, 6000),
];

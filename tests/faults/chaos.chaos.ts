import { chaosScenario, type TimelineEntry } from './chaos';
import { expectKeptPromise, runScenario } from './support/scenario';

// npm run test:chaos -- --minutes N [--seed S]: scripts/chaos.mjs passes them as CHAOS_MINUTES and CHAOS_SEED.
const minutes = Number(process.env.CHAOS_MINUTES ?? 10);
const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 2 ** 31);
process.stdout.write(`chaos schedule: CHAOS_SEED=${seed}, ${minutes} min\n`);

describe('delivery guarantees under a random fault schedule', () => {
  it(`when random faults hit the platform for ${minutes} min (CHAOS_SEED=${seed}), then nothing is lost, duplicated or oversold`, async () => {
    const timeline: TimelineEntry[] = [];
    const result = await runScenario(chaosScenario({ minutes, seed }, timeline));
    expectKeptPromise(result);
    // A schedule that broke nothing proves nothing.
    expect(timeline.length).toBeGreaterThanOrEqual(Math.max(1, Math.floor(minutes * 2)));
    expect(new Set(timeline.map((e) => e.fault)).size).toBeGreaterThanOrEqual(Math.min(5, Math.ceil(timeline.length / 2)));
  }, (minutes * 60 + 600) * 1000);
});

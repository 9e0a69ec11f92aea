import { chaosScenario, type TimelineEntry, type Topology } from './chaos';
import { expectKeptPromise, runScenario } from './support/scenario';

// npm run test:chaos -- --minutes N [--seed S] [--topology ha]: scripts/chaos.mjs passes them as
// CHAOS_MINUTES, CHAOS_SEED and CHAOS_TOPOLOGY.
const minutes = Number(process.env.CHAOS_MINUTES ?? 10);
const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 2 ** 31);
const topology = (process.env.CHAOS_TOPOLOGY ?? 'test') as Topology;
process.stdout.write(`chaos schedule: CHAOS_SEED=${seed}, ${minutes} min, ${topology} topology\n`);

describe('delivery guarantees under a random fault schedule', () => {
  it(`when random faults hit the ${topology} topology for ${minutes} min (CHAOS_SEED=${seed}), then nothing is lost, duplicated or oversold`, async () => {
    const timeline: TimelineEntry[] = [];
    const result = await runScenario(chaosScenario({ minutes, seed, topology }, timeline));
    expectKeptPromise(result);
    // A schedule that broke nothing proves nothing. The HA topology's faults take longer (a node
    // boots in about 15 s here), so fewer of them fit in a minute.
    const perMinute = topology === 'ha' ? 1.5 : 2;
    expect(timeline.length).toBeGreaterThanOrEqual(Math.max(1, Math.floor(minutes * perMinute)));
    expect(new Set(timeline.map((e) => e.fault)).size).toBeGreaterThanOrEqual(Math.min(5, Math.ceil(timeline.length / 2)));
  }, (minutes * 60 + 600) * 1000);
});

import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatFootprint, summarizeFootprint, type FootprintRow, type FootprintSample } from '../probes/footprint';
import { runLoad, type LoadResult } from '../load/run-load';
import { formatLoadSummary } from '../report/load-summary';
import { assertHaServicesStopped, haClusters, haScript, setSynchronousStandby } from '../target/ha-topology';
import type { SpawnedPlatform } from '../target/spawned-platform';
import { startTestPlatform } from '../target/start-test-platform';
import type { BenchArgs } from './bench-args';
import { machineInfo } from './environment';
import type { HaCompareResult } from './ha-compare-report';
import { HaFootprint } from './ha-footprint';
import { LegRunner, type Leg, type LegName } from './ha-compare';

type Say = (line: string) => void;

async function withPlatform<T>(profile: 'test' | 'ha', args: BenchArgs, say: Say, body: (platform: SpawnedPlatform) => Promise<T>): Promise<T> {
  const platform = await startTestPlatform({ profile, fresh: args.fresh, verbose: args.verbose, serviceNodeOptions: args.serviceNodeOptions, say });
  const stop = () => void platform.close().finally(() => process.exit(130));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await body(platform);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await platform.close();
  }
}

/** npm run bench's HA nodes and clusters go down after use, unless KEEP_INFRA=1 (as npm test's do). */
function releaseHaTopology(say: Say): void {
  if (process.env.KEEP_INFRA) return;
  say('stopping the HA nodes and clusters (KEEP_INFRA=1 keeps them)');
  haScript('down');
}

const LEGS: LegName[] = ['classic, 1 node', 'HA, sync standby', 'HA, async standby'];

/** The legs of round r (1-based): each round starts one leg later, so none always runs first. */
export const legOrder = (round: number): LegName[] => LEGS.map((_, i) => LEGS[(i + round - 1) % LEGS.length]);

/**
 * `--topology ha`: both platforms up at once (the test profile's services on its node and cluster,
 * another four on the HA topology), so the legs can take turns: the machine is shared, and what
 * others run on it moves from minute to minute. Each round runs every leg's saturating phase, then
 * every leg's latency phase at one rate: 70 % of the slowest saturated leg of the first round. The
 * HA legs differ only in the primary's synchronous_standby_names (reloaded between them).
 */
export async function runHaCompare(args: BenchArgs, say: Say): Promise<HaCompareResult> {
  await assertHaServicesStopped();
  try {
    return await withPlatform('ha', args, say, (ha) =>
      withPlatform('test', args, say, async (classic) => {
        const machine = await machineInfo(ha.ordersDatabaseUrl, ha.brokerUrl);
        const runners = { classic: new LegRunner(classic, args, say), ha: new LegRunner(ha, args, say) };
        const runnerOf = (name: LegName) => {
          if (name !== 'classic, 1 node') setSynchronousStandby(name === 'HA, sync standby');
          return name === 'classic, 1 node' ? runners.classic : runners.ha;
        };
        await runnerOf('classic, 1 node').warmup('classic, 1 node');
        await runnerOf('HA, sync standby').warmup('HA, sync standby');
        const legs: Leg[] = [];
        let rate = 0;
        try {
          for (let round = 1; round <= args.rounds; round++) {
            if (args.rounds > 1) say(`round ${round} of ${args.rounds}: ${legOrder(round).join(', then ')}`);
            const saturated = new Map<LegName, Awaited<ReturnType<LegRunner['saturated']>>>();
            for (const name of legOrder(round)) saturated.set(name, await runnerOf(name).saturated(name));
            rate ||= Math.max(1, Math.round(0.7 * Math.min(...[...saturated.values()].map((s) => s.saturated.processedPerSecond))));
            for (const name of legOrder(round)) legs.push({ name, round, ...saturated.get(name)!, atRate: await runnerOf(name).atRate(name, rate) });
          }
        } finally {
          setSynchronousStandby(true);
        }
        return { machine, rate, rounds: args.rounds, legs };
      }),
    );
  } finally {
    releaseHaTopology(say);
  }
}

export interface HaMemoryResult {
  run: LoadResult;
  sampleSeconds: number;
  footprint: FootprintRow[];
}

/**
 * `--topology ha --memory`: one closed-loop run of --orders on the HA topology (synchronous
 * standby) while the nodes' and clusters' memory and disk are sampled; each sample is appended to
 * footprint.jsonl as it is taken, so an interrupted run still leaves its series.
 */
export async function runHaMemory(args: BenchArgs, outDir: string, say: Say): Promise<HaMemoryResult> {
  await assertHaServicesStopped();
  const file = path.join(outDir, 'footprint.jsonl');
  await writeFile(file, '');
  try {
    return await withPlatform('ha', args, say, async (platform) => {
      setSynchronousStandby(true);
      const footprint = new HaFootprint(haClusters());
      const samples: FootprintSample[] = [];
      const started = Date.now();
      const take = async () => {
        const sample = await footprint.sample(Math.round((Date.now() - started) / 1000));
        samples.push(sample);
        await appendFile(file, `${JSON.stringify(sample)}\n`);
      };
      await take();
      let sampling: Promise<void> | undefined;
      const timer = setInterval(() => {
        sampling ??= take().finally(() => (sampling = undefined));
      }, args.sampleSeconds * 1000);
      let run: LoadResult;
      try {
        say(`HA topology: ${args.orders.toLocaleString('en-US')} orders, memory and disk sampled every ${args.sampleSeconds} s into ${file}`);
        run = await runLoad({
          gatewayUrl: platform.gatewayUrl,
          ordersDatabaseUrl: platform.ordersDatabaseUrl,
          orders: args.orders,
          concurrency: args.concurrency,
          customers: args.customers,
          outOfStockShare: 0.05,
          drainTimeoutSeconds: 900,
          progress: args.progress,
          probes: platform.probes(),
          brokerUrl: platform.brokerUrl,
          label: `HA topology, ${args.orders} orders`,
        });
        platform.assertAlive();
      } finally {
        clearInterval(timer);
        await sampling;
      }
      await take();
      return { run, sampleSeconds: args.sampleSeconds, footprint: summarizeFootprint(footprint.metrics, samples) };
    });
  } finally {
    releaseHaTopology(say);
  }
}

export const formatHaMemory = (result: HaMemoryResult): string =>
  [
    formatLoadSummary(result.run),
    '',
    `Memory and disk over the run (a sample every ${result.sampleSeconds} s; PSS: shared buffers counted once)`,
    formatFootprint(result.footprint),
  ].join('\n');

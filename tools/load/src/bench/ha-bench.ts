import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatFootprint, summarizeFootprint, type FootprintRow, type FootprintSample } from '../probes/footprint';
import { runLoad, type LoadResult } from '../load/run-load';
import { formatLoadSummary } from '../report/load-summary';
import { haClusters, haScript, setSynchronousStandby } from '../target/ha-topology';
import type { SpawnedPlatform } from '../target/spawned-platform';
import { startTestPlatform } from '../target/start-test-platform';
import type { BenchArgs } from './bench-args';
import { machineInfo } from './environment';
import type { HaCompareResult } from './ha-compare-report';
import { HaFootprint } from './ha-footprint';
import { runLeg, type Leg } from './ha-compare';

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

/**
 * `--topology ha`: the HA legs first (synchronous standby, then the same platform with it
 * asynchronous), then the HA topology is stopped and the classic single-node leg runs on a
 * machine without it. Every leg's latency phase runs at 70 % of the synchronous leg's rate.
 */
export async function runHaCompare(args: BenchArgs, say: Say): Promise<HaCompareResult> {
  const legs: Leg[] = [];
  let rate = 0;
  let machine: HaCompareResult['machine'] | undefined;
  try {
    await withPlatform('ha', args, say, async (platform) => {
      machine = await machineInfo(platform.ordersDatabaseUrl, platform.brokerUrl);
      setSynchronousStandby(true);
      const sync = await runLeg(platform, 'HA, sync standby', args, say, { warmup: true });
      rate = Math.max(1, Math.round(sync.saturated.processedPerSecond * 0.7));
      legs.push(sync);
      say('the standby asynchronous: synchronous_standby_names empty, reloaded');
      setSynchronousStandby(false);
      try {
        legs.push(await runLeg(platform, 'HA, async standby', args, say, { warmup: false, rate }));
      } finally {
        setSynchronousStandby(true);
      }
    });
  } finally {
    releaseHaTopology(say);
  }
  await withPlatform('test', args, say, async (platform) => {
    legs.unshift(await runLeg(platform, 'classic, 1 node', args, say, { warmup: true, rate }));
  });
  return { machine: machine!, rate, legs };
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

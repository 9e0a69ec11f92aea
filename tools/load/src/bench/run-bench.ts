import { runLoad, type LoadOptions, type LoadResult } from '../load/run-load';
import type { ProfileSummary } from '../profile/cpu-profile';
import type { SpawnedPlatform } from '../target/spawned-platform';
import type { BenchArgs } from './bench-args';
import { measureBroker, type BrokerBaseline } from './broker-baseline';
import { measureBrokerCost, type BrokerCost } from './broker-cost';
import { brokerProbe } from '../target/running-platform';
import { localEnv } from '../repo';
import { measureDatabase, type DatabaseBaseline } from './database-baseline';
import { machineInfo, placeOrderConsumers, type MachineInfo } from './environment';
import { benchLoadOptions } from './load-options';
import { withCpuProfiles } from './profiled-run';
import { measureTracingTwins, type TwinCost } from './tracing-twins';

export interface BenchResult {
  machine: MachineInfo;
  args: BenchArgs;
  /** Consumers on the place-order queue besides ours, before and after. */
  foreignConsumers: { before: number; after: number };
  warmup: LoadResult;
  rHttp: LoadResult;
  /** R_http again right after the pipeline: the ratio uses the mean of both, so a drift of the
   * machine between the two ends of the run shows instead of skewing it. */
  rHttpAfter: LoadResult;
  rMq: BrokerBaseline;
  rDb: DatabaseBaseline[];
  pipeline: LoadResult;
  /** The broker's CPU per message at the pipeline's rate; undefined with --broker-cost-seconds 0. */
  brokerCost?: BrokerCost;
  at70: LoadResult;
  naive: LoadResult;
  profiled?: { run: LoadResult; profiles: ProfileSummary[] };
  /** Each traced mode against off, on twins; undefined with --tracing-rounds 0. */
  tracing?: TwinCost;
  ratios: { pipelineOverHttp: number; pipelineOverNaive: number };
}

// order-management's defaults; the naive design overrides them (see its config.ts).
const OUR_CONSUMERS = 2;
const NAIVE = { PREFETCH: '1', BATCH_SIZE: '1', CONSUMERS: '1' };
// ...and the gateway sends each command in a message of its own.
const NAIVE_GATEWAY = { COMMANDS_PER_MESSAGE: '1' };

/** The gateway-alone rate the ratio compares with: the mean of the measurements before and after. */
export const meanRHttp = ({ rHttp, rHttpAfter }: Pick<BenchResult, 'rHttp' | 'rHttpAfter'>): number =>
  (rHttp.acceptedPerSecond + rHttpAfter.acceptedPerSecond) / 2;

/** Every phase against one spawned platform, one after the other, so they share the machine's state. */
export async function runBench(platform: SpawnedPlatform, args: BenchArgs, outDir: string, say: (line: string) => void): Promise<BenchResult> {
  const nodeOptions: Record<string, string> = args.serviceNodeOptions ? { NODE_OPTIONS: args.serviceNodeOptions } : {};
  const common: Omit<LoadOptions, 'orders'> = benchLoadOptions(platform, args);
  const phase = async (title: string, options: Partial<LoadOptions> & { orders: number }): Promise<LoadResult> => {
    say(title);
    const result = await runLoad({ ...common, label: title, ...options });
    platform.assertAlive();
    return result;
  };

  const machine = await machineInfo(platform.ordersDatabaseUrl, platform.brokerUrl);
  const before = (await placeOrderConsumers(platform.brokerUrl)) - OUR_CONSUMERS;
  if (before > 0) say(`warning: ${before} other consumer(s) share the place-order queue (a test run?); figures include their share`);

  const warmup = await phase('warm-up (JIT, pools, connections)', { orders: Math.min(3000, args.orders), customers: 50 });
  const rHttp = await phase('R_http: the gateway alone (POST /v1/orders/validate)', { orders: args.orders, validateOnly: true, customers: 100 });
  say(`R_mq: broker publish with confirms + consume with acks, ${args.mqMessages} messages`);
  const rMq = await measureBroker({ brokerUrl: platform.brokerUrl, messages: args.mqMessages });
  const rDb: DatabaseBaseline[] = [];
  for (const concurrency of [OUR_CONSUMERS, OUR_CONSUMERS * 4]) {
    say(`R_db: one row per transaction, ${args.dbRows} rows at concurrency ${concurrency}`);
    rDb.push(await measureDatabase({ databaseUrl: platform.ordersDatabaseUrl, rows: args.dbRows, concurrency }));
  }

  const pipeline = await phase('pipeline (defaults: batches, 2 consumers)', {
    orders: args.pipelineSeconds ? Number.MAX_SAFE_INTEGER : args.orders,
    durationSeconds: args.pipelineSeconds,
    reads: args.reads,
  });
  const rHttpAfter = await phase('R_http again, right after the pipeline', { orders: args.orders, validateOnly: true, customers: 100 });
  let brokerCost: BrokerCost | undefined;
  if (args.brokerCostSeconds > 0) {
    const rate = Math.round(pipeline.processedPerSecond);
    say(`broker cost: ${rate} messages/s for ${args.brokerCostSeconds} s, persistent then transient`);
    brokerCost = await measureBrokerCost({ brokerUrl: platform.brokerUrl, rate, seconds: args.brokerCostSeconds, broker: brokerProbe('test') });
  }
  const rate70 = Math.max(1, Math.round(pipeline.processedPerSecond * 0.7));
  // Latency is measured in a steady state: the saturating phase before leaves a large heap,
  // a busy broker and fresh Postgres work behind, so five seconds at the new rate come first.
  await phase(`settling at ${rate70}/s before the 70% phase (not measured)`, { orders: rate70 * 5, rate: rate70, customers: 50 });
  const at70 = await phase(`pipeline at 70% of its rate (open loop, ${rate70}/s)`, { orders: args.orders, rate: rate70 });

  await platform.restart('order-management', { ...nodeOptions, ...NAIVE });
  await platform.restart('api-gateway', { ...nodeOptions, ...NAIVE_GATEWAY });
  const naive = await phase('naive pipeline (COMMANDS_PER_MESSAGE=1, PREFETCH=1 BATCH_SIZE=1 CONSUMERS=1)', {
    orders: args.orders,
    windowSeconds: args.naiveSeconds,
    // The naive consumer would take far too long to drain the backlog; the batching one does it,
    // and the reconciliation still covers every order of the run.
    onWindowEnd: () => platform.restart('order-management', nodeOptions),
  });
  await platform.restart('api-gateway', nodeOptions);

  let tracing: TwinCost | undefined;
  if (args.tracingRounds > 0) {
    // Twins below the pipeline's rate: an untraced and a traced instance of each service side by
    // side, so that the machine's drift over minutes cancels (tracing-twins.ts).
    const tracingRate = args.tracingRate ?? Math.max(2, 2 * Math.round(pipeline.processedPerSecond * 0.25));
    say(`what tracing costs: ${args.tracingModes.filter((m) => m !== 'off').join(', ')} against off on twin services, ${args.tracingRounds} rounds of ${args.tracingOrders} orders per part at ${tracingRate} orders/s`);
    await platform.stopServices();
    try {
      tracing = await measureTracingTwins({
        modes: args.tracingModes,
        rounds: args.tracingRounds,
        orders: args.tracingOrders,
        rate: tracingRate,
        baseEnv: nodeOptions,
        say,
      });
    } finally {
      for (const service of localEnv.services) await platform.restart(service, nodeOptions);
    }
  }

  let profiled: BenchResult['profiled'];
  if (args.profile) {
    say('profiling the gateway and order-management (--cpu-prof) during a pipeline run');
    // The profiles explain the figures; failing to take them must not throw the figures away.
    try {
      const { result, profiles } = await withCpuProfiles(platform, outDir, args.serviceNodeOptions, () =>
        phase('pipeline under the CPU profiler', { orders: Math.ceil(args.orders / 2) }),
      );
      profiled = { run: result, profiles };
    } catch (err) {
      say(`profiling failed: ${(err as Error).message}`);
    }
  }
  const after = (await placeOrderConsumers(platform.brokerUrl)) - OUR_CONSUMERS;

  return {
    machine,
    args,
    foreignConsumers: { before, after },
    warmup,
    rHttp,
    rHttpAfter,
    rMq,
    rDb,
    pipeline,
    brokerCost,
    at70,
    naive,
    profiled,
    tracing,
    ratios: {
      pipelineOverHttp: pipeline.processedPerSecond / meanRHttp({ rHttp, rHttpAfter }),
      pipelineOverNaive: pipeline.processedPerSecond / naive.processedPerSecond,
    },
  };
}

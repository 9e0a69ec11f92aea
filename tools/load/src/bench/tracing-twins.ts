import { spawn } from 'node:child_process';
import path from 'node:path';
import type { LoadResult } from '../load/run-load';
import { brokerProbe, databaseProbe } from '../target/running-platform';
import { isClean } from '../report/load-summary';
import { pidProbe } from '../probes/proc-probes';
import { localEnv, repoRoot, Supervisor, type ServiceName } from '../repo';
import { freePort } from '../target/free-port';
import { waitReady } from '../target/spawned-platform';
import { median, startOtlpSink, tracingEnv, type TracingMode } from './tracing-cost';

/**
 * What tracing costs, measured on twins: an untraced and a traced instance of each service run side
 * by side under the same load at the same moment. This machine's speed drifts by more than the cost
 * being measured from one minute to the next, so runs one after the other compare unevenly; twins
 * at the same moment do not (their rounds agree within a few points).
 *   part 1: two gateways, off and traced, each driven by a load of its own at rate / 2; one set of
 *     the other services, untraced.
 *   part 2: one traced gateway (every command carries its sampling decision) in front of twin
 *     order-management, customer-service and inventory-service instances, each pair competing for
 *     its queues; RabbitMQ's and Postgres' CPU per order measured alongside.
 * Per instance: CPU seconds per 1,000 orders it handled. The pipeline's throughput on a saturated
 * machine goes as 1 / its CPU per order, so what tracing takes from it is the services' extra CPU
 * over the whole pipeline's (four services, RabbitMQ, Postgres).
 */

export const downstream = ['order-management', 'customer-service', 'inventory-service'] as const;
export type DownstreamService = (typeof downstream)[number];

/** CPU seconds per 1,000 orders of one service: [off, traced]. */
export type Pair = [number, number];

export interface TwinRound {
  mode: TracingMode;
  round: number;
  gateway: Pair;
  services: Record<DownstreamService, Pair>;
  /** CPU seconds per 1,000 orders of the shared, untraced infrastructure during part 2. */
  infrastructure: { rabbitmq: number; postgres: number };
  /** Every load of the round lost and duplicated nothing. */
  clean: boolean;
}

export interface TwinCost {
  modes: TracingMode[];
  rate: number;
  rounds: number;
  orders: number;
  runs: TwinRound[];
}

export interface PipelineShare {
  /** The pipeline's CPU seconds per 1,000 orders with tracing off. */
  off: number;
  /** What the traced services add to it. */
  extra: number;
  /** The throughput a CPU-bound pipeline loses: extra / (off + extra). */
  loss: number;
}

/** One round's pipeline: the four services' pairs and the infrastructure. */
export function pipelineShare(run: Pick<TwinRound, 'gateway' | 'services' | 'infrastructure'>): PipelineShare {
  const pairs = [run.gateway, ...downstream.map((service) => run.services[service])];
  const off = pairs.reduce((sum, [o]) => sum + o, 0) + run.infrastructure.rabbitmq + run.infrastructure.postgres;
  const extra = pairs.reduce((sum, [o, t]) => sum + t - o, 0);
  return { off, extra, loss: extra / (off + extra) };
}

export interface ModeSummary {
  /** Per service, the median of each round's traced/off − 1, and each round's. */
  change: Record<ServiceName, number>;
  changeRounds: Record<ServiceName, number[]>;
  /** Per service, the median CPU per 1,000 orders: [off, traced]. */
  perService: Record<ServiceName, Pair>;
  infrastructure: { rabbitmq: number; postgres: number };
  /** The median over the rounds, with each round's loss. */
  pipeline: PipelineShare & { rounds: number[] };
}

/** A mode's rounds summed up: medians of per-round ratios, never a ratio of medians. */
export function summarise(cost: TwinCost, mode: TracingMode): ModeSummary | undefined {
  const runs = cost.runs.filter((r) => r.mode === mode);
  if (runs.length === 0) return undefined;
  const pairOf = (run: TwinRound, service: ServiceName): Pair => (service === 'api-gateway' ? run.gateway : run.services[service as DownstreamService]);
  const services = ['api-gateway', ...downstream] as ServiceName[];
  const shares = runs.map(pipelineShare);
  const changeRounds = Object.fromEntries(services.map((s) => [s, runs.map((r) => pairOf(r, s)[1] / pairOf(r, s)[0] - 1)])) as Record<ServiceName, number[]>;
  return {
    change: Object.fromEntries(services.map((s) => [s, median(changeRounds[s])])) as Record<ServiceName, number>,
    changeRounds,
    perService: Object.fromEntries(services.map((s) => [s, [median(runs.map((r) => pairOf(r, s)[0])), median(runs.map((r) => pairOf(r, s)[1]))]])) as Record<ServiceName, Pair>,
    infrastructure: { rabbitmq: median(runs.map((r) => r.infrastructure.rabbitmq)), postgres: median(runs.map((r) => r.infrastructure.postgres)) },
    pipeline: { off: median(shares.map((s) => s.off)), extra: median(shares.map((s) => s.extra)), loss: median(shares.map((s) => s.loss)), rounds: shares.map((s) => s.loss) },
  };
}

export interface TwinOptions {
  modes: TracingMode[];
  rounds: number;
  /** Orders per part (split between the gateways in part 1). */
  orders: number;
  /** Orders/s offered in each part (open loop). */
  rate: number;
  /** Experiments: the gateway part only (its pipeline share is then not computed). */
  gatewayOnly?: boolean;
  /** Env for every instance (e.g. NODE_OPTIONS of --service-node-options). */
  baseEnv?: Record<string, string>;
  /** Experiments: more env for every traced instance (OTEL_*, NODE_OPTIONS), node options for either twin. */
  tracedEnv?: Record<string, string>;
  tracedNodeArgs?: string[];
  offNodeArgs?: string[];
  /** The OTLP endpoint; default: a sink in this process that keeps nothing. */
  endpoint?: string;
  say?: (line: string) => void;
}

interface Instance {
  /** The supervisor's name of this instance, e.g. "order-management (0.1, twin)". */
  name: string;
  url: string;
}

/** Orders decided (order-management) and messages handled (every consumer and RPC server) so far. */
async function counts(instance: Instance): Promise<{ decided: number; handled: number }> {
  const text = await (await fetch(`${instance.url}/metrics`)).text();
  const sum = (name: string) =>
    text
      .split('\n')
      .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      .reduce((total, line) => total + Number(line.trim().split(/\s+/).at(-1) ?? 0), 0);
  return { decided: sum('orders_processed_total'), handled: sum('messages_handled_total') };
}

/** Runs `npm run load` against one gateway and returns its result (JSON). */
function load(gateway: Instance, rate: number, orders: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(repoRoot, 'tools', 'load', 'bin', 'load.js'), '--gateway', gateway.url, '--profile', 'test', '--rate', String(rate), '--orders', String(orders), '--progress', 'none', '--json', '--report', '/dev/null'],
      { cwd: repoRoot, env: withoutOtel(process.env), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err = (err + chunk).slice(-2000)));
    child.on('exit', (code) => {
      try {
        if (code !== 0) throw new Error(`exited ${code}: ${err}`);
        resolve(JSON.parse(out) as LoadResult);
      } catch (e) {
        reject(new Error(`load against ${gateway.url}: ${(e as Error).message}`));
      }
    });
  });
}

const withoutOtel = (env: NodeJS.ProcessEnv): Record<string, string> =>
  Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => !entry[0].startsWith('OTEL_') && entry[1] !== undefined));

/** Measures each traced mode against off on twins, round after round (each mode in turn). Needs the test profile's broker and databases, with no service of the platform running. */
export async function measureTracingTwins(options: TwinOptions): Promise<TwinCost> {
  const say = options.say ?? (() => undefined);
  const sink = options.endpoint ? undefined : await startOtlpSink();
  const endpoint = options.endpoint ?? sink!.url;
  // Output only on trouble: the services log warnings and errors (LOG_LEVEL=warn).
  let supervisor = new Supervisor({ root: repoRoot, output: process.stderr, restart: false });
  const start = async (service: ServiceName, mode: TracingMode, twin = false): Promise<Instance> => {
    const port = await freePort();
    const portVar = service === 'api-gateway' ? 'PORT' : 'HTTP_PORT';
    const traced = mode === 'off' ? {} : options.tracedEnv;
    const env = localEnv.serviceEnv(service, {
      profile: 'test',
      env: { ...withoutOtel(process.env), ...tracingEnv(mode, endpoint) },
      extra: { ...options.baseEnv, ...traced, [portVar]: String(port), LOG_LEVEL: 'warn' },
    });
    const nodeArgs = twin ? ((mode === 'off' ? options.offNodeArgs : options.tracedNodeArgs) ?? []) : [];
    const name = `${service} (${mode}${twin ? ', twin' : ''})`;
    supervisor.start(name, env, { service, nodeArgs });
    const url = `http://127.0.0.1:${port}`;
    if (!(await waitReady(`${url}/readyz`, 60_000))) throw new Error(`${name} did not get ready`);
    return { name, url };
  };
  const stopAll = async () => {
    await supervisor.stop();
    supervisor = new Supervisor({ root: repoRoot, output: process.stderr, restart: false });
  };
  const cpuSeconds = async (instance: Instance): Promise<number> => (await pidProbe(instance.name, () => supervisor.pid(instance.name)).sample())?.cpuSeconds ?? NaN;
  const infra = [brokerProbe('test'), databaseProbe('test')];
  const infraCpu = async () => Promise.all(infra.map(async (probe) => (await probe.sample())?.cpuSeconds ?? NaN));

  const runs: TwinRound[] = [];
  try {
    for (let round = 0; round < options.rounds; round += 1) {
      for (const mode of options.modes.filter((m) => m !== 'off')) {
        let clean = true;
        // Part 1: twin gateways, the same downstream.
        say(`tracing ${mode} against off, round ${round + 1} of ${options.rounds}: twin gateways, ${options.rate / 2} orders/s each`);
        for (const service of downstream) await start(service, 'off');
        const gateways = [await start('api-gateway', 'off', true), await start('api-gateway', mode, true)];
        // Warm-up, not measured: both compile their hot paths, the traced one loads its exporter.
        await Promise.all(gateways.map((g) => load(g, options.rate / 2, Math.min(3000, options.orders / 4))));
        const before = await Promise.all(gateways.map(cpuSeconds));
        const results = await Promise.all(gateways.map((g) => load(g, options.rate / 2, options.orders / 2)));
        clean &&= results.every(isClean);
        const after = await Promise.all(gateways.map(cpuSeconds));
        const gateway = gateways.map((_, i) => ((after[i] - before[i]) * 1000) / results[i].accepted) as Pair;
        await stopAll();

        if (options.gatewayOnly) {
          runs.push({ mode, round, gateway, services: Object.fromEntries(downstream.map((s) => [s, [NaN, NaN]])) as Record<DownstreamService, Pair>, infrastructure: { rabbitmq: NaN, postgres: NaN }, clean });
          continue;
        }
        // Part 2: twin downstream services behind a traced gateway.
        say(`tracing ${mode} against off, round ${round + 1} of ${options.rounds}: twin order-management, customer-service, inventory-service at ${options.rate} orders/s`);
        const pairs: Instance[][] = [];
        for (const service of downstream) pairs.push([await start(service, 'off', true), await start(service, mode, true)]);
        const front = await start('api-gateway', mode);
        clean &&= isClean(await load(front, options.rate, Math.min(3000, options.orders / 4)));
        const snapshot = async () => ({
          twins: await Promise.all(pairs.flat().map(async (instance) => ({ cpu: await cpuSeconds(instance), ...(await counts(instance)) }))),
          infra: await infraCpu(),
        });
        const first = await snapshot();
        clean &&= isClean(await load(front, options.rate, options.orders));
        const last = await snapshot();
        await stopAll();
        const decided = last.twins[0].decided - first.twins[0].decided + last.twins[1].decided - first.twins[1].decided;
        const services = Object.fromEntries(
          downstream.map((service, k) => {
            const unit = service === 'order-management' ? 'decided' : 'handled';
            const twin = [0, 1].map((j) => ({ cpu: last.twins[k * 2 + j].cpu - first.twins[k * 2 + j].cpu, units: last.twins[k * 2 + j][unit] - first.twins[k * 2 + j][unit] }));
            // Per 1,000 orders: a message may carry many orders, so each twin's CPU per message it
            // handled, times the pair's messages per order.
            const perOrder = (twin[0].units + twin[1].units) / decided;
            return [service, twin.map((t) => ((t.cpu * 1000) / t.units) * perOrder) as Pair];
          }),
        ) as Record<DownstreamService, Pair>;
        const [rabbitmq, postgres] = last.infra.map((cpu, i) => ((cpu - first.infra[i]) * 1000) / decided);
        runs.push({ mode, round, gateway, services, infrastructure: { rabbitmq, postgres }, clean });
      }
    }
  } finally {
    await stopAll();
    await sink?.close();
  }
  return { modes: options.modes, rate: options.rate, rounds: options.rounds, orders: options.orders, runs };
}

import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Pool as PgPool } from 'pg';
import { workQueues } from '@shop/contracts';
import type { LatencySummary } from '../report/latency-recorder';
import { SeriesRecorder, type RunSeries } from '../report/run-series';
import { bucketPercentiles, readHistogram, type BucketPercentiles } from '../probes/gateway-latency';
import type { ResourceProbe } from '../probes/probe';
import { queueDepthProbe } from '../probes/queue-depth';
import { ResourceMonitor, type ResourceUsage } from '../probes/resource-monitor';
import { drive } from './http-driver';
import { createGatewayPool, requestJson } from './http-client';
import { LoadCounters } from './load-counters';
import { createOrderMix, inStockProducts } from './order-mix';
import { showProgress, type ProgressMode } from './progress';
import { measureReads, type ReadLatency } from './read-latency';
import { reconcile, type Reconciliation } from './reconcile';
import { createRunCustomers } from './run-customers';
import { TerminalWatcher } from './terminal-watcher';

export interface LoadOptions {
  gatewayUrl: string;
  ordersDatabaseUrl: string;
  orders: number;
  durationSeconds?: number;
  /** Orders per second (open loop); omitted: closed loop at `concurrency`. */
  rate?: number;
  concurrency: number;
  customers: number;
  outOfStockShare: number;
  /** Drive POST /v1/orders/validate instead: the gateway alone, nothing to wait for. */
  validateOnly?: boolean;
  drainTimeoutSeconds: number;
  /** GET samples taken after the run (0: none). */
  reads?: number;
  progress: ProgressMode;
  probes?: ResourceProbe[];
  /** The broker whose work queues' depth the series records once a second; omitted: no depth. */
  brokerUrl?: string;
  label?: string;
  /**
   * Read throughput and resources this many seconds after the start, then call onWindowEnd; the
   * run still drains and reconciles. For designs too slow to drain a backlog in reasonable time.
   */
  windowSeconds?: number;
  onWindowEnd?: () => Promise<void>;
}

export interface LoadResult {
  label: string;
  runId: string;
  mode: 'orders' | 'validate';
  pacing: string;
  sent: number;
  accepted: number;
  confirmed: number;
  rejected: number;
  refused: Record<string, number>;
  seconds: { sending: number; toLastTerminal: number; window?: number };
  acceptedPerSecond: number;
  processedPerSecond: number;
  acceptance: LatencySummary;
  /** The same latency as the gateway's histogram saw it (bucket bounds). */
  gatewayAcceptance?: BucketPercentiles;
  /** How late the load tool's own event loop ran (ms): its stalls count in the client latency. */
  toolLoopDelay: { p99: number; max: number };
  endToEnd: LatencySummary;
  decidedBeforeReply: number;
  /** Polls of the orders database that failed (and were retried). */
  pollErrors: number;
  stuck: string[];
  reconciliation?: Reconciliation;
  reads?: ReadLatency;
  resources: ResourceUsage[];
  /** The run second by second, for the HTML report (left out of the JSON printed and written). */
  series: RunSeries;
}

/** One load run: customers, orders, every accepted order followed to its end, then the books. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const runId = randomBytes(4).toString('hex');
  const pool = createGatewayPool(options.gatewayUrl, options.concurrency);
  const db = new PgPool({ connectionString: options.ordersDatabaseUrl, max: 4 });
  const queueDepth = options.brokerUrl ? queueDepthProbe(options.brokerUrl, workQueues) : undefined;
  try {
    await checkDemoProducts(options.gatewayUrl, pool);
    const customers = await createRunCustomers(pool, runId, options.customers);
    const customerIds = customers.map((c) => c.customerId);
    const counters = new LoadCounters();
    const watcher = new TerminalWatcher(db, counters);
    const accepted = new Map<string, string>();
    let answeredTwice = 0;
    const monitor = new ResourceMonitor(options.probes ?? []);
    const validate = options.validateOnly === true;
    const series = new SeriesRecorder(counters, { pending: validate ? undefined : () => watcher.pending, queueDepth: queueDepth?.read });
    // A run bounded by time only has no meaningful 100%: log lines instead of a bar.
    const progress = options.progress === 'bar' && options.orders > 1e9 ? 'lines' : options.progress;
    const stopProgress = showProgress(counters, options.orders, progress, {
      pending: () => watcher.pending,
      done: () => (validate ? counters.accepted : counters.terminal) + counters.failed,
    });

    const route = validate ? '/v1/orders/validate' : '/v1/orders';
    const expectStatus = validate ? 200 : 202;
    const histogramBefore = await readHistogram(options.gatewayUrl, route, expectStatus).catch(() => undefined);
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    await monitor.start();
    if (!validate) watcher.start();
    series.start();
    const seriesTimer = setInterval(() => series.sample(), 1000).unref();
    let windowed: { terminal: number; resources: ResourceUsage[] } | undefined;
    const window = options.windowSeconds
      ? (async () => {
          await new Promise((resolve) => setTimeout(resolve, options.windowSeconds! * 1000));
          windowed = { terminal: counters.terminal, resources: await monitor.stop(counters.terminal) };
          await options.onWindowEnd?.();
        })()
      : undefined;
    await drive({
      pool,
      path: route,
      expectStatus,
      orders: options.orders,
      durationMs: (options.durationSeconds ?? Infinity) * 1000,
      rate: options.rate,
      concurrency: options.concurrency,
      customers,
      nextOrder: createOrderMix({ outOfStockShare: options.outOfStockShare }),
      counters,
      onAccepted: validate
        ? undefined
        : (orderId, customer, arrivedAt) => {
            if (accepted.has(orderId)) answeredTwice++;
            accepted.set(orderId, customerIds[customer]);
            watcher.add(orderId, arrivedAt);
          },
    });
    loopDelay.disable();
    const histogramAfter = histogramBefore && (await readHistogram(options.gatewayUrl, route, expectStatus).catch(() => undefined));
    await window;
    const stuck = validate ? [] : await watcher.drain(options.drainTimeoutSeconds * 1000);
    clearInterval(seriesTimer);
    const runSeries = await series.finish();
    stopProgress();
    const resources = windowed?.resources ?? (await monitor.stop(counters.accepted));

    const reconciliation = validate ? undefined : await reconcile(db, accepted, customerIds, answeredTwice);
    const tokens = new Map(customers.map((c) => [c.customerId, c.token]));
    const reads = !validate && options.reads ? await measureReads(pool, accepted, tokens, options.reads) : undefined;
    const sendingSeconds = (counters.lastAcceptedAt - counters.startedAt) / 1000;
    const terminalSeconds = (counters.lastTerminalAt - counters.startedAt) / 1000;
    return {
      label: options.label ?? (validate ? 'gateway only (validate)' : 'pipeline'),
      runId,
      mode: validate ? 'validate' : 'orders',
      pacing: options.rate === undefined ? `closed loop, ${options.concurrency} in flight` : `open loop ${options.rate}/s, at most ${options.concurrency} in flight`,
      sent: counters.sent,
      accepted: counters.accepted,
      confirmed: counters.confirmed,
      rejected: counters.rejected,
      refused: Object.fromEntries(counters.refused),
      seconds: { sending: sendingSeconds, toLastTerminal: validate ? NaN : terminalSeconds, window: options.windowSeconds },
      acceptedPerSecond: counters.accepted / sendingSeconds,
      processedPerSecond: validate ? NaN : windowed ? windowed.terminal / options.windowSeconds! : counters.terminal / terminalSeconds,
      acceptance: counters.acceptance.summary(),
      gatewayAcceptance: histogramBefore && histogramAfter ? bucketPercentiles(histogramBefore, histogramAfter) : undefined,
      toolLoopDelay: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
      endToEnd: counters.endToEnd.summary(),
      decidedBeforeReply: watcher.decidedBeforeReply,
      pollErrors: watcher.pollErrors,
      stuck,
      reconciliation,
      reads,
      resources,
      series: runSeries,
    };
  } finally {
    await queueDepth?.close();
    await pool.close();
    await db.end();
  }
}

/** The mix orders the seeded demo products; without them every order would be rejected. */
async function checkDemoProducts(gatewayUrl: string, pool: ReturnType<typeof createGatewayPool>): Promise<void> {
  const reply = await requestJson(pool, 'GET', `/v1/products/${inStockProducts[0]}`, undefined);
  if (reply.status !== 200) {
    throw new Error(`${gatewayUrl} does not know the demo products (GET answered ${reply.status}): seed them (npm start does) or use --spawn`);
  }
}

import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Api, startPlatform, testInfrastructure, type PlatformOptions, type RunningPlatform, tokenFor } from '@shop/test-kit';
import { brokerChannels } from './actions';
import { reconcile, ordersOf, type Reconciliation } from './reconcile';
import { resolveUnknown, runTraffic, type RequestRecord } from './traffic';

export interface FaultContext {
  platform: RunningPlatform;
  /** What the traffic has sent so far (it keeps growing while the fault runs). */
  records: RequestRecord[];
  customerIds: string[];
  /** Marks the moment the system is whole again (broker back, process restarted, ...). */
  faultEnded(): void;
}

export interface Scenario {
  name: string;
  orders: number;
  rate: number;
  /** When into the traffic the fault starts. */
  faultAtMs: number;
  platform?: PlatformOptions;
  /** Called before traffic starts, e.g. to put a proxy in front of the broker. */
  prepare?: () => Promise<PlatformOptions | void>;
  fault: (ctx: FaultContext) => Promise<void>;
  cleanup?: () => Promise<void>;
  /** Where the result row goes (reports/faults.jsonl unless given). */
  report?: string;
}

export interface ScenarioResult extends Reconciliation {
  scenario: string;
  /** Orders a second the traffic was sent at. */
  rate: number;
  /** Which of the repeated runs of this scenario (npm run test:faults -- --repeat N). */
  run: number;
  runs: number;
  recoverySeconds: number | null;
  restarts: number;
}

/** Fast failure detection so a scenario spends seconds, not minutes, waiting on timeouts. */
const faultSuiteEnv = {
  RABBITMQ_HEARTBEAT_S: '2',
  RPC_TIMEOUT_MS: '1500',
  PUBLISH_TIMEOUT_MS: '2000',
  SHUTDOWN_GRACE_MS: '8000',
  LOG_LEVEL: process.env.FAULTS_LOG_LEVEL ?? 'error',
};

const reportFile = path.resolve(__dirname, '../../../reports/faults.jsonl');
const outputDir = path.resolve(__dirname, '../../../reports/faults-output');
const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/**
 * Runs traffic against a fresh platform, injects the fault, then reconciles what every request's
 * sender knows against the databases once the system is idle.
 */
export async function runScenario(scenario: Scenario, repetition = { run: 1, runs: 1 }): Promise<ScenarioResult> {
  const prepared = (await scenario.prepare?.()) ?? {};
  const options: PlatformOptions = { ...scenario.platform, ...prepared };
  const platform = await startPlatform({ ...options, env: { ...options.env, '*': { ...faultSuiteEnv, ...options.env?.['*'] } } });
  try {
    const admin = await Api.asAdmin(platform.gatewayUrl);
    const customerIds = await Promise.all(Array.from({ length: 20 }, () => admin.createCustomer()));
    const tokens = await Promise.all(customerIds.map((id) => tokenFor(id)));
    // Scarce stock, so the run has both outcomes and overselling would show.
    const stock = Math.max(20, Math.floor(scenario.orders / 4));
    const products = new Map<string, number>();
    for (let i = 0; i < 8; i += 1) products.set(await admin.createProduct(100 + i, stock), stock);

    let faultEnd = 0;
    const records: RequestRecord[] = [];
    const traffic = runTraffic({ baseUrl: platform.gatewayUrl, tokens, productIds: [...products.keys()], rate: scenario.rate, count: scenario.orders, records });
    await new Promise((r) => setTimeout(r, scenario.faultAtMs));
    await scenario.fault({ platform, records, customerIds, faultEnded: () => (faultEnd = Date.now()) });
    if (!faultEnd) faultEnd = Date.now();
    await traffic;
    await resolveUnknown(platform.gatewayUrl, tokens, records);

    const result = await reconcile(records, customerIds, products, options.profile);
    const rows = await ordersOf(customerIds, options.profile);
    const settledAt = new Map(rows.map((r) => [r.id, r.updated_at.getTime()]));
    const firstAfter = records.filter((r) => r.sentAt >= faultEnd && r.orderId && settledAt.has(r.orderId)).sort((a, b) => a.sentAt - b.sentAt)[0];
    const row: ScenarioResult = {
      scenario: scenario.name,
      rate: scenario.rate,
      ...repetition,
      ...result,
      recoverySeconds: firstAfter ? Math.round((settledAt.get(firstAfter.orderId!)! - faultEnd) / 100) / 10 : null,
      restarts: [...platform.supervisor.children.keys()].reduce((sum: number, name: string) => sum + platform.supervisor.exits(name), 0),
    };
    const report = scenario.report ?? reportFile;
    mkdirSync(path.dirname(report), { recursive: true });
    mkdirSync(outputDir, { recursive: true });
    appendFileSync(report, `${JSON.stringify(row)}\n`);
    // The services' own words for each run (errors only, unless FAULTS_LOG_LEVEL says more): a
    // rare failure in a long loop is read here.
    const held = row.lost > 0 || row.notTerminal > 0 ? `\n--- broker channels after the run ---\n${JSON.stringify(await brokerChannels(testInfrastructure.rabbitmq.vhost).catch((err: Error) => err.message), null, 1)}\n` : '';
    writeFileSync(path.join(outputDir, `${slug(scenario.name)}-run${repetition.run}.log`), platform.output() + held);
    return row;
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- service output ---\n${platform.output().slice(-3000)}`);
  } finally {
    await platform.stop();
    await scenario.cleanup?.();
  }
}

/** The promise: nothing lost, nothing duplicated, nothing oversold, every order final. */
export function expectKeptPromise(result: ScenarioResult): void {
  // unaccounted shows, for an order no accepted request explains, what its client was told.
  const { scenario, lost, duplicated, unaccounted, oversold, stockMismatches, notTerminal } = result;
  expect({ scenario, lost, duplicated, unaccounted, oversold, stockMismatches, notTerminal }).toEqual({
    scenario: result.scenario,
    lost: 0,
    duplicated: 0,
    unaccounted: [],
    oversold: 0,
    stockMismatches: 0,
    notTerminal: 0,
  });
  expect(result.accepted).toBeGreaterThan(0);
}

import {
  Api,
  eventually,
  getTrace,
  promQuery,
  sleep,
  startJaeger,
  startPlatform,
  startPrometheus,
  tagOf,
  type RunningJaeger,
  type RunningPlatform,
  type RunningPrometheus,
} from '@shop/test-kit';
import { promqlMetricNames } from '../k8s/lib/metrics';
import { byKind, NAMESPACE, renderedDocs } from '../k8s/lib/render';
import { constants, panelQueries, renderedDashboards, substitute, type PanelQuery } from './lib/dashboards';

// Every panel query of every dashboard and every alert expression, through the HTTP API of a real
// Prometheus (Debian's, as `npm run observe` runs it: scripts/observe/prometheus.js) that scrapes the
// four services as processes and the test RabbitMQ node while orders flow.
//
// Windows: Grafana's $__rate_interval is max(4 scrape intervals, $__interval + 1 scrape interval),
// 1m with the chart's 15 s scrapes. This Prometheus scrapes every second, so the test puts 10 s
// windows in its place: they hold ten samples each and are full well within the load.
const SCRAPE_INTERVAL = '1s';
const WINDOWS = { rate: '10s', interval: '1s' };
const LOAD_MS = 30_000;

// Panels that no Prometheus on this machine can answer, with the reason. The test checks that these
// are exactly the panels that read only such series, so the list can neither hide a panel nor rot.
const NOT_LOCAL: Record<string, string> = {
  'keda-scaling.json: Is KEDA scaling order-management?': 'kube-state-metrics (Deployment and HPA status): there is no Kubernetes API here',
  "keda-scaling.json: What does KEDA's trigger report?": "KEDA operator's own metrics: KEDA runs only on a control plane (npm run test:cluster)",
  'keda-scaling.json: Does KEDA fail to read its trigger?': "KEDA operator's own metrics: KEDA runs only on a control plane (npm run test:cluster)",
  'keda-scaling.json: Is the gateway scaling?': "kube-state-metrics (the gateway's HPA): there is no Kubernetes API here",
};
const fromTheCluster = (name: string) => name.startsWith('kube_') || name.startsWith('keda_');

const docs = renderedDocs('default');
const dashboards = [...renderedDashboards(docs).entries()];
const queries: Array<PanelQuery & { promql: string }> = dashboards.flatMap(([file, d]) =>
  panelQueries(file, d).map((q) => ({ ...q, promql: substitute(q.expr, constants(d), WINDOWS) })),
);
const alerts: Array<{ alert: string; expr: string }> = byKind(docs, 'PrometheusRule')[0].spec.groups.flatMap((g: { rules: Array<{ alert: string; expr: string }> }) => g.rules);

let jaeger: RunningJaeger;
let platform: RunningPlatform;
let prometheus: RunningPrometheus;
let load: { stop(): Promise<LoadTally> } | undefined;

interface LoadTally {
  sent: number;
  byStatus: Record<number, number>;
}

/**
 * Orders at about 10 per second until stopped, from a few customers: mostly ones that confirm, every
 * tenth for more than the scarce product's stock (REJECTED, OUT_OF_STOCK), every tenth an empty
 * cart (refused, 400), now and then a read of an order (an RPC to order-management), and one cancel.
 */
async function startLoad(gatewayUrl: string): Promise<{ stop(): Promise<LoadTally> }> {
  const admin = await Api.asAdmin(gatewayUrl);
  const customers = await Promise.all([1, 2, 3].map(async () => Api.asCustomer(gatewayUrl, await admin.createCustomer())));
  const [plenty, scarce] = [await admin.createProduct(100, 1_000_000), await admin.createProduct(100, 1)];
  const tally: LoadTally = { sent: 0, byStatus: {} };
  const accepted: Array<{ customer: Api; orderId: string }> = [];
  const inFlight = new Set<Promise<unknown>>();
  let stopped = false;

  const send = async (i: number) => {
    const customer = customers[i % customers.length];
    const order = (productId: string, quantity: number) => customer.post('/v1/orders', { items: [{ productId, quantity }] });
    let reply;
    if (i % 10 === 3) reply = await order(scarce, 2);
    else if (i % 10 === 7) reply = await customer.post('/v1/orders', { items: [] });
    else if (i % 20 === 11 && accepted.length > 0) reply = await accepted[accepted.length - 1].customer.get(`/v1/orders/${accepted[accepted.length - 1].orderId}`);
    else if (i === 30 && accepted.length > 0) {
      const { customer: owner, orderId } = accepted[0];
      await owner.settledOrder(orderId);
      reply = await owner.post(`/v1/orders/${orderId}/cancel`);
    } else {
      reply = await order(plenty, 1);
      if (reply.status === 202) accepted.push({ customer, orderId: reply.body.orderId });
    }
    tally.byStatus[reply.status] = (tally.byStatus[reply.status] ?? 0) + 1;
  };

  const loop = (async () => {
    for (let i = 0; !stopped; i += 1) {
      if (inFlight.size < 50) {
        tally.sent += 1;
        const request = send(i).catch(() => undefined);
        inFlight.add(request);
        void request.finally(() => inFlight.delete(request));
      }
      await sleep(100);
    }
  })();

  return {
    async stop() {
      stopped = true;
      await loop;
      await Promise.all(inFlight);
      return tally;
    },
  };
}

beforeAll(async () => {
  jaeger = await startJaeger();
  platform = await startPlatform({ env: { '*': { OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpEndpoint, OTEL_BSP_SCHEDULE_DELAY: '100' } } });
  prometheus = await startPrometheus(platform, { scrapeInterval: SCRAPE_INTERVAL });
  load = await startLoad(platform.gatewayUrl);
  // The load goes on while the tests query: every panel is read under load.
  await sleep(LOAD_MS);
}, 20 * 60_000); // a cold machine builds Jaeger first (cached afterwards)

afterAll(async () => {
  await load?.stop();
  await prometheus?.stop();
  await platform?.stop();
  await jaeger?.stop();
});

const vector = async (expr: string) => {
  const answer = await promQuery(prometheus.url, expr);
  if (answer.status !== 'success') throw new Error(`${expr}: ${answer.error}`);
  return answer.data.result;
};

describe("the chart's dashboards and alerts against a real Prometheus, under load", () => {
  it("when the local platform is scraped, then every target is up with the labels the chart's ServiceMonitors give", async () => {
    const targets = (await (await fetch(`${prometheus.url}/api/v1/targets?state=active`)).json()) as {
      data: { activeTargets: Array<{ scrapePool: string; health: string; lastError: string; labels: Record<string, string> }> };
    };
    const active = targets.data.activeTargets;

    expect(active.map((a) => `${a.scrapePool} ${a.health} ${a.lastError}`).sort()).toEqual(
      ['api-gateway/0', 'customer-service/0', 'inventory-service/0', 'order-management/0', 'rabbitmq/0', 'rabbitmq/1'].map((j) => `serviceMonitor/${NAMESPACE}/order-platform-${j} up `),
    );
    for (const a of active) {
      const own = a.scrapePool.endsWith('rabbitmq/1') ? ['metrics_path'] : [];
      expect(Object.keys(a.labels).sort()).toEqual(['container', 'endpoint', 'instance', 'job', ...own, 'namespace', 'pod', 'service'].sort());
      expect(a.labels.namespace).toBe(NAMESPACE);
    }
    // The broker's two scrapes of one port are two `up` series, not one written twice.
    expect((await vector(`up{job="order-platform-rabbitmq"}`)).map((s) => s.metric.metrics_path ?? '').sort()).toEqual(['', '/metrics/detailed']);
    // honorLabels: a service's own series keep service="<name>" over the Service's name.
    const bySource = await vector('count by (service, job) (http_requests_total)');
    expect(bySource.map((s) => s.metric)).toEqual(expect.arrayContaining([{ service: 'api-gateway', job: 'order-platform-api-gateway' }]));
  });

  it('when every panel query is evaluated, then each returns a series with a finite value, but for the panels listed as needing a cluster', async () => {
    const failures: string[] = [];
    for (const q of queries) {
      const where = `${q.dashboard}: ${q.panel}`;
      const answer = await promQuery(prometheus.url, q.promql);
      if (answer.status !== 'success') {
        failures.push(`${where} (${q.refId} "${q.legend}") does not parse: ${answer.error}`);
        continue;
      }
      if (NOT_LOCAL[where]) continue;
      const series = answer.data.result;
      if (series.length === 0) failures.push(`${where} (${q.refId} "${q.legend}") returns no series: ${q.promql}`);
      else if (!series.some((s) => Number.isFinite(Number(s.value[1])))) failures.push(`${where} (${q.refId} "${q.legend}") has no finite value: ${JSON.stringify(series)}`);
    }

    expect(failures).toEqual([]);
    const panels = new Set(queries.map((q) => `${q.dashboard}: ${q.panel}`));
    expect(panels.size - Object.keys(NOT_LOCAL).length).toBeGreaterThanOrEqual(20);
  });

  it('when the panels listed as needing a cluster are compared with the queries, then they are exactly those reading only cluster series', () => {
    const clusterOnly = new Set<string>();
    const byPanel = new Map<string, string[]>();
    for (const q of queries) byPanel.set(`${q.dashboard}: ${q.panel}`, [...(byPanel.get(`${q.dashboard}: ${q.panel}`) ?? []), ...promqlMetricNames(q.expr)]);
    for (const [panel, names] of byPanel) if (names.every(fromTheCluster)) clusterOnly.add(panel);

    expect([...clusterOnly].sort()).toEqual(Object.keys(NOT_LOCAL).sort());
    expect([...byPanel].filter(([panel, names]) => !clusterOnly.has(panel) && names.some(fromTheCluster))).toEqual([]);
  });

  it('when every alert expression is evaluated, then each parses, and each rule Prometheus loaded from the chart evaluates without error', async () => {
    const unparsed: string[] = [];
    for (const rule of alerts) {
      const answer = await promQuery(prometheus.url, rule.expr);
      if (answer.status !== 'success') unparsed.push(`${rule.alert}: ${answer.error}`);
    }
    const loaded = (await (await fetch(`${prometheus.url}/api/v1/rules?type=alert`)).json()) as {
      data: { groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string }> }> };
    };
    const rules = loaded.data.groups.flatMap((g) => g.rules);

    expect(unparsed).toEqual([]);
    expect(rules.map((r) => r.name).sort()).toEqual(alerts.map((r) => r.alert).sort());
    expect(rules.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.health} ${r.lastError}`)).toEqual([]);
  });

  it("when orders are decided, then the end-to-end histogram's exemplars name an order and its trace, which Jaeger holds", async () => {
    const now = Date.now() / 1000;
    const query = new URLSearchParams({ query: `order_end_to_end_seconds_bucket{namespace="${NAMESPACE}"}`, start: String(now - 300), end: String(now) });
    const answer = (await (await fetch(`${prometheus.url}/api/v1/query_exemplars?${query}`)).json()) as {
      data: Array<{ exemplars: Array<{ labels: Record<string, string>; value: string }> }>;
    };
    const exemplars = answer.data.flatMap((s) => s.exemplars);

    expect(exemplars.length).toBeGreaterThan(0);
    for (const e of exemplars) expect(e.labels).toEqual({ trace_id: expect.stringMatching(/^[0-9a-f]{32}$/), order_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const { trace_id: traceId, order_id: orderId } = exemplars[exemplars.length - 1].labels;
    const trace = await eventually(
      () => getTrace(jaeger.queryUrl, traceId),
      (t) => t !== undefined && t.spans.some((s) => t.processes[s.processID].serviceName === 'order-management'),
      15_000,
    );
    expect(trace?.spans.some((s) => serviceOf(trace, s) === 'api-gateway' && tagOf(s, 'order.id') === orderId)).toBe(true);
  });
});

const serviceOf = (trace: NonNullable<Awaited<ReturnType<typeof getTrace>>>, span: { processID: string }) => trace.processes[span.processID].serviceName;

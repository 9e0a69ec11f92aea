import { promqlMetricNames } from '../k8s/lib/metrics';
import { byKind, find, NAMESPACE, RELEASE, renderedDocs } from '../k8s/lib/render';
import { constants, panelQueries, renderedDashboards, substitute, type Dashboard } from './lib/dashboards';

// The dashboards as code: plain JSON in charts/order-platform/dashboards, all written one way, one
// panel per question an operator asks. The live check of every query is panels.test.ts.

// eslint-disable-next-line @typescript-eslint/no-require-imports
const local = require('../../scripts/observe/prometheus-config.js') as {
  prometheusConfig(options: object): { scrape_configs: ScrapeConfig[] };
  NAMESPACE: string;
  RELEASE: string;
};

interface ScrapeConfig {
  job_name: string;
  metrics_path: string;
  honor_labels?: boolean;
  params?: Record<string, string[]>;
  relabel_configs: Array<{ source_labels?: string[]; target_label: string }>;
  metric_relabel_configs?: Array<{ source_labels: string[]; regex: string; action: string }>;
}

const docs = renderedDocs('default');
const dashboards = renderedDashboards(docs);
const all = [...dashboards.entries()];

describe('the dashboards, written one way', () => {
  it('when rendered, then there are the four dashboards, each with the same variables and a link to the order traces', () => {
    expect([...dashboards.keys()].sort()).toEqual(['keda-scaling.json', 'latency.json', 'queue-lag.json', 'throughput.json']);
    for (const [, d] of all) {
      expect(d.uid.startsWith(`${RELEASE}-`)).toBe(true);
      expect(d.title).toMatch(/^Order platform \/ /);
      expect(d.templating.list.map((v) => [v.name, v.type, v.query])).toEqual([
        ['datasource', 'datasource', 'prometheus'],
        ['traces', 'datasource', 'jaeger'],
        ['namespace', 'constant', NAMESPACE],
        ['release', 'constant', RELEASE],
      ]);
      expect(d.links).toEqual([expect.objectContaining({ title: 'Order traces', type: 'link', url: expect.stringContaining('${traces}') })]);
    }
  });

  it('when the panels are read, then each is a described time series on the metrics data source, laid out two by two', () => {
    for (const [file, d] of all) {
      d.panels.forEach((p, i) => {
        const where = `${file}: ${p.title}`;
        expect({ where, id: p.id, type: p.type, datasource: p.datasource.uid, gridPos: p.gridPos }).toEqual({
          where,
          id: i + 1,
          type: 'timeseries',
          datasource: '${datasource}',
          gridPos: { x: 12 * (i % 2), y: 8 * Math.floor(i / 2), w: 12, h: 8 },
        });
        expect({ where, described: (p.description ?? '').length > 20 }).toEqual({ where, described: true });
        expect(p.targets.map((t) => t.refId)).toEqual(p.targets.map((_, j) => String.fromCharCode(65 + j)));
        for (const t of p.targets) expect({ where, legend: t.legendFormat.length > 0 }).toEqual({ where, legend: true });
      });
    }
  });

  it('when the panels are read, then each asks a question no other panel asks', () => {
    const titles = all.flatMap(([, d]) => d.panels.map((p) => p.title));

    expect(titles.filter((t) => !t.endsWith('?'))).toEqual([]);
    expect(titles.filter((t, i) => titles.indexOf(t) !== i)).toEqual([]);
    expect(titles).toEqual(expect.arrayContaining(['Is the queue growing?', 'How long does an order wait?', 'Are we rejecting, and why?', 'Is KEDA scaling order-management?']));
  });

  it('when a query selects series, then it keeps to the release: its namespace, or for KEDA its ScaledObject', () => {
    const strays = all.flatMap(([file, d]) =>
      panelQueries(file, d).flatMap((q) =>
        promqlMetricNames(q.expr).flatMap((name) => {
          const selectors = [...q.expr.matchAll(new RegExp(`\\b${name}(?![\\w:])(\\{[^}]*\\})?`, 'g'))].map((m) => m[1] ?? '');
          const scope = name.startsWith('keda_') ? 'scaledObject="$release-order-management"' : 'namespace="$namespace"';
          return selectors.filter((s) => !s.includes(scope)).map(() => `${file}: ${q.panel} ${q.refId} reads ${name} outside ${scope}`);
        }),
      ),
    );

    expect(strays).toEqual([]);
  });

  it('when the end-to-end latency is drawn, then its p99 asks Prometheus for the exemplars of its histogram', () => {
    const panel = dashboards.get('latency.json')!.panels.find((p) => p.title === 'How long does an order wait?')!;

    expect(panel.targets.filter((t) => t.exemplar).map((t) => t.expr)).toEqual([expect.stringContaining('order_end_to_end_seconds_bucket')]);
  });

  it('when the KEDA dashboard counts the orders waiting, then it runs the ScaledObject trigger query itself', () => {
    const keda = dashboards.get('keda-scaling.json')! as Dashboard;
    const panel = keda.panels.find((p) => p.title === 'How many orders wait for order-management?')!;
    const trigger = byKind(docs, 'ScaledObject')[0].spec.triggers[0].metadata.query as string;

    // The trigger also names the vhost; the dashboard reads the release's only RabbitMQ cluster.
    expect(substitute(panel.targets[0].expr, constants(keda), { rate: '1m', interval: '1m' })).toBe(trigger.replace(/vhost="[^"]*",/, ''));
  });
});

describe('the local Prometheus configuration (scripts/observe/prometheus-config.js)', () => {
  const config = local.prometheusConfig({
    services: ['api-gateway', 'order-management', 'customer-service', 'inventory-service'].map((service, i) => ({ service, port: 3000 + i })),
    rabbitmq: { prometheusPort: 15692, vhost: 'platform' },
  });

  it('when generated, then it stands for the release and namespace the chart is rendered with here', () => {
    expect({ release: local.RELEASE, namespace: local.NAMESPACE }).toEqual({ release: RELEASE, namespace: NAMESPACE });
  });

  it("when compared with the chart's ServiceMonitors, then each of their endpoints is one job, scraped the same way and labelled the same", () => {
    const endpoints = byKind(docs, 'ServiceMonitor').flatMap((m) =>
      (m.spec.endpoints as Array<Record<string, any>>).map((e, i) => ({
        job_name: `serviceMonitor/${NAMESPACE}/${m.metadata.name}/${i}`,
        metrics_path: e.path,
        honor_labels: e.honorLabels ?? false,
        families: e.params?.family,
        metric_relabel_configs: (e.metricRelabelings ?? []).map((r: Record<string, unknown>) => ({ source_labels: r.sourceLabels, regex: r.regex, action: r.action })),
        extra_relabel_configs: (e.relabelings ?? []).map((r: Record<string, unknown>) => ({ source_labels: r.sourceLabels, target_label: r.targetLabel })),
      })),
    );
    const jobs = config.scrape_configs.map((j) => ({
      job_name: j.job_name,
      metrics_path: j.metrics_path,
      honor_labels: j.honor_labels ?? false,
      families: j.params?.family,
      metric_relabel_configs: j.metric_relabel_configs ?? [],
      // What follows the operator's own relabelling (serviceMonitorRelabelling: its first six).
      extra_relabel_configs: j.relabel_configs.slice(6),
    }));

    expect(jobs).toEqual(expect.arrayContaining(endpoints));
    expect(jobs).toHaveLength(endpoints.length);
    for (const j of config.scrape_configs) {
      expect(j.relabel_configs.slice(0, 6).map((r) => r.target_label).sort()).toEqual(['container', 'endpoint', 'job', 'namespace', 'pod', 'service']);
    }
  });

  it('when the chart monitors PostgreSQL, then that PodMonitor is the one thing not scraped locally: the local clusters run no exporter', () => {
    const cnpg = find(docs, 'PodMonitor', `${RELEASE}-pg`);

    expect(cnpg).toBeDefined();
    expect(config.scrape_configs.filter((j) => j.job_name.includes('/order-platform-pg'))).toEqual([]);
    expect(all.flatMap(([file, d]) => panelQueries(file, d)).filter((q) => /\bcnpg_|\bpg_/.test(q.expr))).toEqual([]);
  });
});

import { execFileSync } from 'node:child_process';
import { contractSeriesNames, exposedNames, promqlMetricNames, queryExpressions, usedMetricNames } from './lib/metrics';
import { find, RELEASE, renderedDocs, repoRoot } from './lib/render';
import { testInfrastructure } from '@shop/test-kit';

// The test profile's node: the development one (15692) belongs to npm start and may not be running.
const RABBITMQ_PROMETHEUS = process.env.RABBITMQ_PROMETHEUS_URL ?? `http://127.0.0.1:${testInfrastructure.rabbitmq.prometheusPort}`;
// kube-state-metrics series the KEDA dashboard reads (kube-prometheus-stack ships kube-state-metrics).
const KUBE_STATE_METRICS = [
  'kube_deployment_status_replicas',
  'kube_deployment_status_replicas_available',
  'kube_horizontalpodautoscaler_spec_max_replicas',
  'kube_horizontalpodautoscaler_spec_min_replicas',
  'kube_horizontalpodautoscaler_status_current_replicas',
  'kube_horizontalpodautoscaler_status_desired_replicas',
];
// KEDA's operator metrics (v2.21, pkg/metricscollector/prommetrics.go), scraped through the
// ServiceMonitor of k8s/values/keda.yaml.
const KEDA_OPERATOR_METRICS = ['keda_scaler_metrics_value', 'keda_scaler_detail_errors_total', 'keda_scaled_object_errors_total'];

describe('PromQL metric name extraction', () => {
  it.each([
    ['sum by (queue) (rabbitmq_detailed_queue_messages_ready{namespace="x", queue!~".+\\\\.dlq"})', ['rabbitmq_detailed_queue_messages_ready']],
    ['histogram_quantile(0.99, sum by (le, service) (rate(order_end_to_end_seconds_bucket{a="b"}[5m]))) > 5', ['order_end_to_end_seconds_bucket']],
    ['a_total / on (job) group_left(instance) b_info unless c offset 5m and bool d', ['a_total', 'b_info', 'c', 'd']],
    ['sum by (service) (x) / sum without (pod) (y) > count(z)', ['x', 'y', 'z']],
    ['deriv(x{y="sum(z)"}[10m:1m]) > 1e3 or vector(0)', ['x']],
    ['sum(rate(m{q="$queue"}[$__rate_interval])) without (pod)', ['m']],
  ])('when the expression is %s, then the metric names are %j', (expr, names) => {
    expect(promqlMetricNames(expr).sort()).toEqual([...names].sort());
  });
});

describe('metrics used by dashboards and alerts', () => {
  const docs = renderedDocs('dev');
  const used = usedMetricNames(docs);

  it('when collected, then every service metric is one the services promise to export', () => {
    expect(used.service.length).toBeGreaterThan(0);
    expect(used.service.filter((n) => !contractSeriesNames().has(n))).toEqual([]);
  });

  // The live comparison with /metrics needs running services; this catches a renamed metric earlier.
  it('when collected, then each service metric family is registered somewhere in the services or libs', () => {
    const families = [...new Set(used.service.map((n) => n.replace(/_(bucket|sum|count)$/, '')))];
    const sources = execFileSync('grep', ['-rhoE', "'[a-z_]+_(total|seconds|size|messages)'", 'libs', 'services', '--include=*.ts'], { cwd: repoRoot, encoding: 'utf8' });
    const declared = new Set(sources.split('\n').map((l) => l.replace(/'/g, '')));
    expect(families.filter((f) => !declared.has(f))).toEqual([]);
  });

  it('when collected, then the platform metrics are kube-state-metrics and KEDA operator series', () => {
    expect(used.platform.filter((n) => !KUBE_STATE_METRICS.includes(n) && !KEDA_OPERATOR_METRICS.includes(n))).toEqual([]);
  });

  it('when a dashboard queries a misspelt service metric, then it is reported as outside the contract', () => {
    const broken = renderedDocs('dev');
    const cm = find(broken, 'ConfigMap', `${RELEASE}-dashboard-throughput`)!;
    cm.data['throughput.json'] = cm.data['throughput.json'].replace('orders_accepted_total', 'orders_acepted_total');
    expect(usedMetricNames(broken).service.filter((n) => !contractSeriesNames().has(n))).toEqual(['orders_acepted_total']);
  });

  it('when the dashboards are read, then they cover queue lag, the outbox, throughput, rejections, latency, RPC calls and KEDA', () => {
    const byDashboard = (file: string) => queryExpressions(docs).filter((q) => q.where.endsWith(file)).flatMap((q) => promqlMetricNames(q.expr));
    expect(byDashboard('queue-lag.json')).toEqual(
      expect.arrayContaining([
        'rabbitmq_detailed_queue_messages_ready',
        'rabbitmq_detailed_queue_messages_unacked',
        'rabbitmq_detailed_queue_consumers',
        'rabbitmq_global_messages_received_total',
        'rabbitmq_global_messages_delivered_total',
        'rabbitmq_global_messages_acknowledged_total',
        'rabbitmq_detailed_queue_messages',
        'outbox_messages',
        'outbox_oldest_message_age_seconds',
      ]),
    );
    expect(byDashboard('throughput.json')).toEqual(
      expect.arrayContaining(['orders_accepted_total', 'orders_refused_total', 'orders_processed_total', 'orders_failed_permanently_total', 'order_batch_size_bucket']),
    );
    expect(byDashboard('latency.json')).toEqual(
      expect.arrayContaining(['http_request_duration_seconds_bucket', 'order_end_to_end_seconds_bucket', 'rpc_client_duration_seconds_bucket']),
    );
    expect(byDashboard('keda-scaling.json')).toEqual(expect.arrayContaining(['kube_horizontalpodautoscaler_status_desired_replicas', 'keda_scaler_metrics_value']));
  });

  it('when the alert rules are read, then backlog, dead letters, missing consumers, errors, orders failed on their data, retries and latency are covered', () => {
    const rule = find(docs, 'PrometheusRule', RELEASE)!;
    const alerts = rule.spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.alert));
    expect(alerts).toEqual([
      'OrderPlatformQueueBacklogGrowing',
      'OrderPlatformDeadLetterQueueNotEmpty',
      'OrderPlatformQueueWithoutConsumers',
      'OrderPlatformHttpErrorRate',
      'OrderPlatformMessageFailureRate',
      'OrderPlatformOrdersFailedPermanently',
      'OrderPlatformMessagesRetrying',
      'OrderPlatformEndToEndLatencyHigh',
    ]);
  });

  describe('against the RabbitMQ prometheus plugin running locally', () => {
    // The same endpoints the chart's ServiceMonitor scrapes: /metrics and /metrics/detailed with its families.
    const exposed = async (): Promise<Set<string>> => {
      const monitor = find(docs, 'ServiceMonitor', `${RELEASE}-rabbitmq`)!;
      const names = new Set<string>();
      for (const endpoint of monitor.spec.endpoints) {
        const query = Object.entries<string[]>(endpoint.params ?? {})
          .flatMap(([k, values]) => values.map((v) => `${k}=${encodeURIComponent(v)}`))
          .join('&');
        const res = await fetch(`${RABBITMQ_PROMETHEUS}${endpoint.path}${query ? `?${query}` : ''}`);
        expect(res.status).toBe(200);
        exposedNames(await res.text()).forEach((n) => names.add(n));
      }
      return names;
    };

    it('when scraped like the ServiceMonitor does, then every rabbitmq_* name the chart uses is exported', async () => {
      const names = await exposed();
      expect(used.rabbitmq.length).toBeGreaterThan(0);
      expect(used.rabbitmq.filter((n) => !names.has(n))).toEqual([]);
    });

    it('when a name is only exported per object, then the plain /metrics scrape alone would not provide it', async () => {
      const page = await (await fetch(`${RABBITMQ_PROMETHEUS}/metrics`)).text();
      expect(exposedNames(page).has('rabbitmq_detailed_queue_messages_ready')).toBe(false);
    });
  });
});

// The Prometheus configuration of a platform running on this machine: what `npm run observe` and
// the dashboards' test (tests/observability/dashboards.test.ts) both start Prometheus with.
//
// It scrapes what the chart's ServiceMonitors scrape (charts/order-platform/templates/monitoring.yaml)
// and labels the series as prometheus-operator does in a cluster: each target carries the
// __meta_kubernetes_* labels Kubernetes service discovery would give it, and the relabelling is the
// operator's, so `namespace`, `service`, `pod`, `container`, `endpoint`, `job` and `instance` come out
// the same. The chart's dashboards and alert rules then run unchanged, with $namespace = NAMESPACE.
// Only Node built-ins: the file is read as plain data by both callers.

/** The release and namespace a local platform stands for (the ones tests/k8s renders the chart with). */
const RELEASE = 'order-platform';
const NAMESPACE = 'order-platform';

/** The families of /metrics/detailed the dashboards and alerts read (monitoring.yaml's params). */
const RABBITMQ_DETAILED_FAMILIES = ['queue_coarse_metrics', 'queue_consumer_count'];

/** The relabelling prometheus-operator generates for a ServiceMonitor endpoint (the part that names labels). */
const serviceMonitorRelabelling = (portName) => [
  { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
  { source_labels: ['__meta_kubernetes_service_name'], target_label: 'service' },
  { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
  { source_labels: ['__meta_kubernetes_pod_container_name'], target_label: 'container' },
  { source_labels: ['__meta_kubernetes_service_name'], target_label: 'job', replacement: '${1}' },
  { target_label: 'endpoint', replacement: portName },
];

/** A target as Kubernetes service discovery would describe a pod behind a Service. */
const kubernetesTarget = ({ address, namespace, serviceName, pod, container }) => ({
  targets: [address],
  labels: {
    __meta_kubernetes_namespace: namespace,
    __meta_kubernetes_service_name: serviceName,
    __meta_kubernetes_pod_name: pod,
    __meta_kubernetes_pod_container_name: container,
  },
});

/**
 * @param {object} options
 * @param {Array<{ service: string, port: number, replica?: number }>} options.services each process
 *   serving /metrics: its service (api-gateway, ...), port and, for extra replicas, a number from 2.
 * @param {{ prometheusPort: number, vhost: string }} options.rabbitmq the node's rabbitmq_prometheus
 *   port and the platform's vhost.
 * @param {string} [options.scrapeInterval] also the rules' evaluation interval (the chart's is 15s).
 * @param {string[]} [options.ruleFiles] the chart's alert rules as Prometheus rule files.
 * @returns a Prometheus configuration object (JSON is YAML: write it with JSON.stringify).
 */
function prometheusConfig({ services, rabbitmq, scrapeInterval = '15s', ruleFiles = [], namespace = NAMESPACE, release = RELEASE }) {
  const job = (name, endpoint) => `serviceMonitor/${namespace}/${name}/${endpoint}`;
  const serviceJobs = [...new Set(services.map((s) => s.service))].map((service) => ({
    job_name: job(`${release}-${service}`, 0),
    metrics_path: '/metrics',
    // As the chart's honorLabels: every series keeps service="<name>" from the service itself.
    honor_labels: true,
    static_configs: services
      .filter((s) => s.service === service)
      .map((s) =>
        kubernetesTarget({
          address: `127.0.0.1:${s.port}`,
          namespace,
          serviceName: `${release}-${service}`,
          pod: `${release}-${service}-local${s.replica && s.replica > 1 ? `-${s.replica}` : ''}`,
          container: service,
        }),
      ),
    relabel_configs: serviceMonitorRelabelling('http'),
  }));

  const broker = kubernetesTarget({
    address: `127.0.0.1:${rabbitmq.prometheusPort}`,
    namespace,
    serviceName: `${release}-rabbitmq`,
    pod: `${release}-rabbitmq-server-0`,
    container: 'rabbitmq',
  });
  const rabbitmqJobs = [
    {
      job_name: job(`${release}-rabbitmq`, 0),
      metrics_path: '/metrics',
      static_configs: [broker],
      relabel_configs: serviceMonitorRelabelling('prometheus'),
    },
    {
      job_name: job(`${release}-rabbitmq`, 1),
      metrics_path: '/metrics/detailed',
      // Unlike the cluster's broker, a local node may hold other vhosts (the cluster tests', the
      // developer's own) with queues of the same names: their depths would add up.
      params: { family: RABBITMQ_DETAILED_FAMILIES, vhost: [rabbitmq.vhost] },
      static_configs: [broker],
      relabel_configs: [...serviceMonitorRelabelling('prometheus'), { source_labels: ['__metrics_path__'], target_label: 'metrics_path' }],
      metric_relabel_configs: [{ source_labels: ['__name__'], regex: 'rabbitmq_detailed_.*', action: 'keep' }],
    },
  ];

  return {
    // A scrape may not take longer than its interval (Prometheus' default timeout is 10s).
    global: { scrape_interval: scrapeInterval, scrape_timeout: scrapeInterval, evaluation_interval: scrapeInterval },
    rule_files: ruleFiles,
    scrape_configs: [...serviceJobs, ...rabbitmqJobs],
  };
}

module.exports = { prometheusConfig, RELEASE, NAMESPACE, RABBITMQ_DETAILED_FAMILIES };

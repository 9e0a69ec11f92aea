import type { K8sObject } from './render';

/**
 * Metric names the chart's dashboards and alert rules query, read from the rendered manifests.
 * Names are the series names as exposed (a histogram appears as name_bucket / _sum / _count), so they
 * can be compared directly with the sample names of a live /metrics page.
 */
export interface UsedMetricNames {
  /** Exported by the services (prom-client, label service="<name>"). */
  service: string[];
  /** Exported by the RabbitMQ prometheus plugin (/metrics and /metrics/detailed). */
  rabbitmq: string[];
  /** Exported by the platform around the app (kube-state-metrics, installed with kube-prometheus-stack). */
  platform: string[];
}

export function usedMetricNames(docs: K8sObject[]): UsedMetricNames {
  const names = new Set(queryExpressions(docs).flatMap((q) => promqlMetricNames(q.expr)));
  const sorted = [...names].sort();
  return {
    rabbitmq: sorted.filter((n) => n.startsWith('rabbitmq_')),
    platform: sorted.filter((n) => PLATFORM_PREFIXES.some((p) => n.startsWith(p))),
    service: sorted.filter((n) => !n.startsWith('rabbitmq_') && !PLATFORM_PREFIXES.some((p) => n.startsWith(p))),
  };
}

const PLATFORM_PREFIXES = ['kube_', 'keda_'];

/** Every PromQL expression in PrometheusRules and in Grafana dashboard ConfigMaps. */
export function queryExpressions(docs: K8sObject[]): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  for (const d of docs) {
    if (d.kind === 'PrometheusRule') {
      for (const g of d.spec?.groups ?? []) {
        for (const r of g.rules ?? []) out.push({ where: `${d.metadata.name} ${r.alert ?? r.record}`, expr: String(r.expr) });
      }
    }
    if (d.kind === 'ConfigMap' && d.metadata.labels?.grafana_dashboard === '1') {
      for (const [file, json] of Object.entries<string>(d.data ?? {})) collectExprs(JSON.parse(json), `${d.metadata.name}/${file}`, out);
    }
  }
  return out;
}

function collectExprs(node: unknown, where: string, out: { where: string; expr: string }[]): void {
  if (Array.isArray(node)) node.forEach((n) => collectExprs(n, where, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'expr' && typeof v === 'string') out.push({ where, expr: v });
      else collectExprs(v, where, out);
    }
  }
}

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan']);
// Aggregations may put `by (...)` between their name and the parenthesis, so they are not always "calls".
const AGGREGATIONS = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio']);

/** Metric names in a PromQL expression: identifiers that are not functions, keywords, labels or durations. */
export function promqlMetricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' $1 ');
  const names = new Set<string>();
  // A leading digit starts a number or a duration (1e3, 0.99, 5m, 1h30m), never a name.
  const token = /(\d[\w.]*)|([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?/g;
  for (let m = token.exec(stripped); m; m = token.exec(stripped)) {
    const [, number, ident, call] = m;
    if (number || call || !ident || KEYWORDS.has(ident.toLowerCase()) || AGGREGATIONS.has(ident)) continue;
    names.add(ident);
  }
  return [...names];
}

/** Metric families the services promise to export (the platform contract); histograms are expanded. */
export const SERVICE_METRIC_CONTRACT = {
  counters: ['http_requests_total', 'messages_handled_total', 'orders_accepted_total', 'orders_refused_total', 'orders_processed_total', 'orders_failed_permanently_total'],
  histograms: ['http_request_duration_seconds', 'message_handling_duration_seconds', 'rpc_client_duration_seconds', 'order_end_to_end_seconds', 'order_batch_size'],
  gauges: ['outbox_messages', 'outbox_oldest_message_age_seconds'],
  defaults: ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds'],
};

export function contractSeriesNames(): Set<string> {
  const c = SERVICE_METRIC_CONTRACT;
  return new Set([...c.counters, ...c.gauges, ...c.defaults, ...c.histograms.flatMap((h) => [`${h}_bucket`, `${h}_sum`, `${h}_count`])]);
}

/** Series names on a Prometheus text page: samples, plus the suffixed names of TYPE histogram/summary lines. */
export function exposedNames(page: string): Set<string> {
  const names = new Set<string>();
  for (const line of page.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      names.add(type[1]);
      if (type[2] === 'histogram') ['_bucket', '_sum', '_count'].forEach((s) => names.add(type[1] + s));
      if (type[2] === 'summary') ['_sum', '_count'].forEach((s) => names.add(type[1] + s));
    } else if (line && !line.startsWith('#')) {
      names.add(/^[^\s{]+/.exec(line)![0]);
    }
  }
  return names;
}

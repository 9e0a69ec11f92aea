import type { K8sObject } from '../../k8s/lib/render';

/** The parts of a Grafana dashboard the checks read. */
export interface Dashboard {
  uid: string;
  title: string;
  templating: { list: Array<{ name: string; type: string; query: string; hide?: number }> };
  links: Array<{ title: string; type: string; url: string }>;
  panels: Panel[];
  [key: string]: unknown;
}

export interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  datasource: { type: string; uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets: Array<{ expr: string; legendFormat: string; refId: string; exemplar?: boolean }>;
  [key: string]: unknown;
}

export interface PanelQuery {
  /** The dashboard's file name. */
  dashboard: string;
  panel: string;
  refId: string;
  legend: string;
  expr: string;
}

/** The dashboards as the chart ships them: the data of its grafana_dashboard ConfigMaps, by file name. */
export function renderedDashboards(docs: K8sObject[]): Map<string, Dashboard> {
  const out = new Map<string, Dashboard>();
  for (const d of docs) {
    if (d.kind !== 'ConfigMap' || d.metadata.labels?.grafana_dashboard !== '1') continue;
    for (const [file, json] of Object.entries<string>(d.data ?? {})) out.set(file, JSON.parse(json) as Dashboard);
  }
  return out;
}

export function panelQueries(file: string, dashboard: Dashboard): PanelQuery[] {
  return dashboard.panels.flatMap((p) => p.targets.map((t) => ({ dashboard: file, panel: p.title, refId: t.refId, legend: t.legendFormat, expr: t.expr })));
}

/** The values of a dashboard's constant variables ($namespace, $release). */
export const constants = (dashboard: Dashboard): Record<string, string> =>
  Object.fromEntries(dashboard.templating.list.filter((v) => v.type === 'constant').map((v) => [v.name, v.query]));

/**
 * The expression as Grafana sends it: `$name` and `${name}` of the dashboard's variables replaced, and
 * Grafana's own intervals with the windows given (the panel test's Prometheus scrapes every second,
 * so it can use far shorter windows than a cluster's 15 s scrapes need).
 */
export function substitute(expr: string, variables: Record<string, string>, intervals: { rate: string; interval: string }): string {
  const builtins: Record<string, string> = { __rate_interval: intervals.rate, __interval: intervals.interval };
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    const value = builtins[name] ?? variables[name];
    if (value === undefined) throw new Error(`unknown variable ${whole} in ${expr}`);
    return value;
  });
}

/**
 * The sum of the samples of `name` on a /metrics page (Prometheus text or OpenMetrics) whose labels
 * include all of `labels`; 0 when there is none. Exemplars after a sample are ignored.
 */
export function sampleSum(page: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  let sum = 0;
  for (const line of page.split('\n')) {
    const sample = line.split(' # ')[0];
    if (!(sample.startsWith(`${name}{`) || sample.startsWith(`${name} `))) continue;
    const braces = /^[^{ ]+(?:\{(.*)\})? (\S+)/.exec(sample);
    if (!braces) continue;
    const own = (braces[1] ?? '').split(/,(?=[a-zA-Z_]+=")/);
    if (wanted.every((w) => own.includes(w))) sum += Number(braces[2]);
  }
  return sum;
}

export const metricsPage = async (baseUrl: string): Promise<string> => (await fetch(`${baseUrl}/metrics`)).text();

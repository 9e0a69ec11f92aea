import { freePort } from './ports';
import { testInfrastructure } from './local-env';
import type { RunningPlatform } from './platform';

interface ScrapedService {
  service: string;
  port: number;
}

// scripts/observe/prometheus.js: the Prometheus of `npm run observe`, with the same configuration.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const observe = require('../../../scripts/observe/prometheus.js') as {
  startPrometheus(options: {
    port: number;
    services: ScrapedService[];
    rabbitmq: { prometheusPort: number; vhost: string };
    scrapeInterval?: string;
  }): Promise<RunningPrometheus>;
};

export interface RunningPrometheus {
  url: string;
  stop(): Promise<void>;
}

/**
 * Debian's Prometheus on a free port and a folder of its own, scraping the platform's processes and
 * the test profile's RabbitMQ node as `npm run observe` does, with the chart's alert rules.
 */
export async function startPrometheus(platform: Pick<RunningPlatform, 'ports'>, { scrapeInterval = '1s' } = {}): Promise<RunningPrometheus> {
  const { rabbitmq } = testInfrastructure;
  return observe.startPrometheus({
    port: await freePort(),
    services: Object.entries(platform.ports).map(([service, port]) => ({ service, port })),
    rabbitmq: { prometheusPort: rabbitmq.prometheusPort, vhost: rabbitmq.vhost },
    scrapeInterval,
  });
}

export interface PromSeries {
  metric: Record<string, string>;
  value: [number, string];
}

export type PromAnswer = { status: 'success'; data: { resultType: string; result: PromSeries[] } } | { status: 'error'; errorType: string; error: string };

/** An instant query through Prometheus' HTTP API; a bad expression answers status "error", not a throw. */
export async function promQuery(url: string, expr: string): Promise<PromAnswer> {
  const response = await fetch(`${url}/api/v1/query`, { method: 'POST', body: new URLSearchParams({ query: expr }) });
  return (await response.json()) as PromAnswer;
}

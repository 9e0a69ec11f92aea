import client from 'prom-client';

/**
 * One registry per service process; every series carries the service label. The page is
 * OpenMetrics, the only format that carries exemplars (a trace id beside a histogram bucket);
 * Prometheus reads it as it reads the classic text format, and the sample names are the same.
 */
export function createMetrics(service: string) {
  const registry = new client.Registry<client.OpenMetricsContentType>();
  registry.setContentType(client.openMetricsContentType);
  registry.setDefaultLabels({ service });
  client.collectDefaultMetrics({ register: registry });

  const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  const httpRequests = new client.Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status_code'],
    registers: [registry],
  });
  const httpDuration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status_code'],
    buckets: latencyBuckets,
    registers: [registry],
  });
  const messagesHandled = new client.Counter({
    name: 'messages_handled_total',
    help: 'Messages handled by queue and outcome (ack, dead_letter, retry)',
    labelNames: ['queue', 'outcome'],
    registers: [registry],
  });
  const messageDuration = new client.Histogram({
    name: 'message_handling_duration_seconds',
    help: 'Time from delivery to settlement of a message',
    labelNames: ['queue'],
    buckets: latencyBuckets,
    registers: [registry],
  });

  // Per method of the contracts (a closed set, never caller input) and outcome: ok, error (the
  // server answered with one), timeout, unavailable (no broker or no server).
  const rpcClientDuration = new client.Histogram({
    name: 'rpc_client_duration_seconds',
    help: 'Request/reply calls over the broker, from send to answer, by method and outcome',
    labelNames: ['method', 'outcome'],
    buckets: latencyBuckets,
    registers: [registry],
  });

  return {
    registry,
    httpRequests,
    httpDuration,
    messagesHandled,
    messageDuration,
    rpcClientDuration,
    counter: (name: string, help: string, labelNames: string[] = []) =>
      new client.Counter({ name, help, labelNames, registers: [registry] }),
    histogram: (name: string, help: string, buckets: number[], labelNames: string[] = []) =>
      new client.Histogram({ name, help, buckets, labelNames, registers: [registry] }),
    /** A histogram whose buckets keep the labels (a trace id) of their latest observation. */
    exemplarHistogram: (name: string, help: string, buckets: number[], labelNames: string[] = []) =>
      new client.Histogram({ name, help, buckets, labelNames, registers: [registry], enableExemplars: true }),
    /** `collect` runs at each scrape: read a value kept up to date elsewhere, never query from it. */
    gauge: (name: string, help: string, collect: (gauge: client.Gauge) => void) =>
      new client.Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          collect(this);
        },
      }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

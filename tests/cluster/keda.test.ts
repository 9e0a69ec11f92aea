import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Api, startPlatform, testEnv, type RunningPlatform } from '@shop/test-kit';
import { chartCopy, chartDir, clusterEnv, eventually, helm, helmRaw, kubeVersion, kubectl, kubectlJson, kwokValues, restrictedNamespace, standInOperatorSecrets } from './lib/cluster';

// KEDA for real: its operator and metrics adapter (scripts/cluster/up.sh) scale order-management's
// Deployment from the chart's trigger, evaluated by a real Prometheus scraping the shared RabbitMQ
// and a running order-management. Orders are placed through a running gateway.
const NS = 'orders-scaling';
const RELEASE = 'order-platform';
const ORDERS_PER_REPLICA = 100;
const MAX = 10;
const QUEUE = 'order-management.place-order';
const VHOST = clusterEnv.RABBITMQ_VHOST;
// The gateway packs the orders of one event-loop turn into a message, so how many share a message
// depends on how busy the machine is: with order-management stopped (the backlog) turns hold fewer
// orders than with it running (the warm-up), up to 2.3 times fewer on this machine. A small cap
// fills nearly every message in both, so the test measures the chart's estimate, not that drift.
const COMMANDS_PER_MESSAGE = 5;
const values = ['-f', kwokValues, '--set-string', `keda.value=${ORDERS_PER_REPLICA}`, '--set', `keda.minReplicaCount=1,keda.maxReplicaCount=${MAX},keda.ordersPerMessage.max=${COMMANDS_PER_MESSAGE},seed.enabled=false`];
const platformEnv = { RABBITMQ_URL: `amqp://platform:platform-dev@127.0.0.1:5672/${VHOST}` };
const targets = ['rabbitmq-orders-scaling.json', 'platform-orders-scaling.json'].map((f) => join(clusterEnv.PROMETHEUS_TARGETS, f));

async function promQuery(query: string): Promise<number | undefined> {
  const r = await fetch(`${clusterEnv.PROMETHEUS_URL}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body: any = await r.json();
  if (body.status !== 'success') throw new Error(`${query}: ${JSON.stringify(body)}`);
  const v = body.data.result[0]?.value?.[1];
  return v === undefined ? undefined : Number(v);
}

/** A Kubernetes quantity as the adapter writes it ("6123m", "612", "1k", "1500M") as a number. */
function quantity(q: string): number {
  const m = /^([0-9.]+(?:[eE][-+]?[0-9]+)?)(m|k|M|G|T)?$/.exec(q);
  if (!m) throw new Error(`not a quantity: ${q}`);
  return Number(m[1]) * { '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12 }[m[2] ?? '']!;
}

/** The backlog the HPA sees, read where the HPA reads it: external.metrics.k8s.io, served by KEDA's adapter. */
function externalMetric(hpa: any): number {
  const m = hpa.spec.metrics[0].external.metric;
  const selector = Object.entries(m.selector.matchLabels).map(([k, v]) => `${k}=${v}`).join(',');
  const list = JSON.parse(kubectl(['get', '--raw', `/apis/external.metrics.k8s.io/v1beta1/namespaces/${NS}/${m.name}?labelSelector=${encodeURIComponent(selector)}`]));
  return quantity(list.items[0].value);
}

/**
 * Places n orders through the gateway, in waves of 50 concurrent requests, each wave from a customer
 * of its own (one customer placing hundreds a second is what the gateway's rate limit refuses);
 * returns how many were accepted.
 */
async function placeOrders(gatewayUrl: string, n: number, pauseMs = 0): Promise<number> {
  let accepted = 0;
  for (let done = 0; done < n; done += 50) {
    if (done > 0) await new Promise((r) => setTimeout(r, pauseMs));
    const customer = await Api.asCustomer(gatewayUrl, randomUUID());
    const replies = await Promise.all(Array.from({ length: Math.min(50, n - done) }, () => customer.post('/v1/orders', { items: [{ productId: randomUUID(), quantity: 1 }] })));
    accepted += replies.filter((r) => r.status === 202).length;
  }
  return accepted;
}

// The HPA's own tolerance: it leaves the replica count alone within 10% of the target.
const withinHpaTolerance = (value: number, expected: number) => Math.abs(value - expected) <= 0.1 * expected;
// The orders per message are a recent average, not the backlog's own, so the estimate is held to a
// factor of two of the true backlog. Counting messages misses it by the batch size (4-5 here).
const withinFactorTwo = (value: number, expected: number) => value >= expected / 2 && value <= expected * 2;
const desiredFor = (orders: number) => Math.min(MAX, Math.max(1, Math.ceil(orders / ORDERS_PER_REPLICA)));

let platform: RunningPlatform | undefined;
let hpaName: string;

beforeAll(async () => {
  restrictedNamespace(NS);
  standInOperatorSecrets(NS, RELEASE, chartDir, values);
  helm(['install', RELEASE, chartDir, '--namespace', NS, '--wait', '--wait-for-jobs', '--timeout', '180s', ...values]);
  platform = await startPlatform({ env: { '*': platformEnv, 'api-gateway': { COMMANDS_PER_MESSAGE: String(COMMANDS_PER_MESSAGE) } } });
  writeFileSync(targets[0], JSON.stringify([{ targets: ['127.0.0.1:15692'], labels: { namespace: NS } }]));
  writeFileSync(targets[1], JSON.stringify([{ targets: [`127.0.0.1:${platform.ports['order-management']}`], labels: { namespace: NS } }]));
  hpaName = (await eventually('ScaledObject Ready', () => {
    const so = kubectlJson(['get', 'scaledobject', '-n', NS, `${RELEASE}-order-management`]);
    return so.status?.conditions?.find((c: any) => c.type === 'Ready')?.status === 'True' ? so : undefined;
  })).status.hpaName;
});

afterAll(async () => {
  await platform?.stop();
  for (const t of targets) rmSync(t, { force: true });
  helmRaw(['uninstall', RELEASE, '--namespace', NS, '--wait']);
  kubectl(['delete', 'namespace', NS, '--wait=false', '--ignore-not-found']);
});

describe('KEDA scales order-management on the backlog in orders', () => {
  it('when a backlog of orders waits with the consumers stopped, then the HPA wants replicas for the orders, not the messages; when it drains, then back to the minimum', async () => {
    const running = platform!;
    // History: order-management handles orders as the gateway batches them, so Prometheus learns
    // how many orders a message carries.
    // Waves a few scrapes apart: a counter's first sample is not an increase, so the ratio needs
    // growth seen across scrapes.
    const ratioQuery = `sum(increase(orders_processed_total{namespace="${NS}"}[1h])) / sum(increase(messages_handled_total{namespace="${NS}",queue="${QUEUE}",outcome="ack"}[1h]))`;
    await placeOrders(running.gatewayUrl, 600, 2500);
    const observed = await eventually('orders per message observed', async () => {
      const r = await promQuery(ratioQuery);
      return r !== undefined && Number.isFinite(r) && r > 0 ? r : undefined;
    }, 90_000);

    await running.supervisor.stopOne('order-management');
    const backlog = await placeOrders(running.gatewayUrl, 600);
    expect(backlog).toBe(600);
    const messages = await eventually('backlog scraped', async () => {
      const m = await promQuery(`sum(rabbitmq_detailed_queue_messages{namespace="${NS}",vhost="${VHOST}",queue="${QUEUE}"})`);
      return m !== undefined && m > 0 ? m : undefined;
    }, 60_000);
    const ratio = await promQuery(ratioQuery);
    const so = kubectlJson(['get', 'scaledobject', '-n', NS, `${RELEASE}-order-management`]);
    const backlogInOrders = await promQuery(so.spec.triggers[0].metadata.query);
    process.stdout.write(`backlog: ${backlog} orders in ${messages} messages; ${observed.toFixed(2)} then ${ratio?.toFixed(2)} orders per message observed; trigger query ${backlogInOrders}\n`);

    // KEDA's scaler reads Prometheus on its own schedule; its first answers may predate the backlog.
    // What the design says the backlog in orders is: messages x observed orders per message.
    const estimate = messages * Math.min(COMMANDS_PER_MESSAGE, Math.max(1, ratio ?? 1));
    const hpa = kubectlJson(['get', 'hpa', '-n', NS, hpaName]);
    let metric = externalMetric(hpa);
    await eventually('external metric reaches the backlog', () => {
      metric = externalMetric(hpa);
      return withinHpaTolerance(metric, estimate) ? metric : undefined;
    }, 60_000, 2000).catch(() => undefined);
    expect({ metric, estimate, matchesEstimate: withinHpaTolerance(metric, estimate), ordersNotMessages: withinFactorTwo(metric, backlog) })
      .toEqual({ metric, estimate, matchesEstimate: true, ordersNotMessages: true });
    await eventually('HPA desired replicas follow the orders', () => {
      const h = kubectlJson(['get', 'hpa', '-n', NS, hpaName]);
      return Math.abs(h.status.desiredReplicas - desiredFor(metric)) <= 1 ? h : undefined;
    }, 90_000);
    await eventually('Deployment scaled out on the kwok nodes', () => {
      const d = kubectlJson(['get', 'deployment', '-n', NS, `${RELEASE}-order-management`]);
      return d.status.readyReplicas >= desiredFor(metric) - 1 ? d : undefined;
    }, 90_000);

    // The same backlog through a copy of the chart whose trigger counts messages again.
    const copy = chartCopy((read, write) => write('templates/keda.yaml', read('templates/keda.yaml').replace(/query: \{\{ printf "%s \* \(clamp\(\(%s \/ %s\) > 0, 1, %v\) or vector\(1\)\)" \$depth \$orders \$messages \$k\.ordersPerMessage\.max \| quote \}\}/, 'query: {{ $depth | quote }}')));
    try {
      const rendered = helm(['template', RELEASE, copy.dir, '--namespace', NS, '--kube-version', kubeVersion(), ...values]);
      const so = parseAllDocuments(rendered).map((d) => d.toJS()).find((d: any) => d?.kind === 'ScaledObject');
      const counted = await promQuery(so.spec.triggers[0].metadata.query);
      // The gateway did batch (else orders and messages could not be told apart), and counting
      // messages misses the backlog in orders by far.
      expect(backlog / messages).toBeGreaterThan(3);
      expect(counted).toBe(messages);
      expect(withinFactorTwo(counted ?? 0, backlog)).toBe(false);
    } finally {
      copy.cleanup();
    }

    // Drain: order-management starts again and works the backlog off.
    running.supervisor.start('order-management', testEnv('order-management', { ports: running.ports, extra: platformEnv }));
    await eventually('queue drained', async () => (await promQuery(`sum(rabbitmq_detailed_queue_messages{namespace="${NS}",vhost="${VHOST}",queue="${QUEUE}"})`)) === 0, 120_000);
    await eventually('HPA back to the minimum', () => kubectlJson(['get', 'hpa', '-n', NS, hpaName]).status.desiredReplicas === 1, 120_000);
  });
});

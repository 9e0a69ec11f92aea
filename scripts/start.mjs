// npm start: set everything up on this machine and run the four services until Ctrl-C.
// npm start -- --observe (npm run observe): also a Prometheus that scrapes them and the broker as the
// chart's ServiceMonitors do, with the chart's alert rules, and a Jaeger the services send traces to.
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import steps from './lib/steps.js';
import localEnv from './lib/local-env.js';
import supervisorModule from './lib/supervisor.js';
import ports from './lib/ports.js';
import prometheus from './observe/prometheus.js';

const { root, say, prepare, services } = steps;
const { serviceEnv, defaultPorts, infrastructure } = localEnv;
const { Supervisor } = supervisorModule;

const observe = process.argv.includes('--observe');
const PROMETHEUS_PORT = 9090;
const jaegerScript = path.join(root, 'scripts', 'observe', 'jaeger.sh');
// The jaeger.sh defaults: OTLP HTTP 4318 (where the services send), query API 16686.
const jaeger = { otlp: 'http://127.0.0.1:4318', query: 'http://127.0.0.1:16686' };
// A Jaeger that `jaeger.sh up` started earlier is used, and left running.
const jaegerRunning = observe && spawnSync('bash', [jaegerScript, 'status'], { stdio: 'ignore' }).status === 0;

const wanted = {
  ...defaultPorts,
  ...(observe ? { prometheus: PROMETHEUS_PORT } : {}),
  ...(observe && !jaegerRunning ? { 'jaeger OTLP gRPC': 4317, 'jaeger OTLP HTTP': 4318, 'jaeger query': 16686, 'jaeger query gRPC': 16685 } : {}),
};
const taken = await ports.takenPorts(wanted);
if (taken.length > 0) {
  const list = taken.map(([name, port]) => `${port} (${name})`).join(', ');
  process.stderr.write(`${taken.length > 1 ? 'Ports' : 'Port'} ${list} already in use: is npm start running elsewhere? Stop it (Ctrl-C there) and try again.\n`);
  process.exit(1);
}

prepare({ profile: 'dev', withSeed: true });

let observer;
if (observe) {
  say('starting Jaeger (scripts/observe/jaeger.sh up; the first time it is built, which takes minutes)');
  if (!jaegerRunning) steps.run('bash', [jaegerScript, 'up']);
  say('starting Prometheus');
  const { rabbitmq } = infrastructure.dev;
  try {
    observer = await prometheus.startPrometheus({
      port: PROMETHEUS_PORT,
      services: services.map((service) => ({ service, port: defaultPorts[service] })),
      rabbitmq: { prometheusPort: rabbitmq.prometheusPort, vhost: rabbitmq.vhost },
      scrapeInterval: '5s',
      ui: true,
    });
  } catch (err) {
    if (!jaegerRunning) spawnSync('bash', [jaegerScript, 'down'], { stdio: 'inherit' });
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}

const supervisor = new Supervisor({ root });
const env = observe ? { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlp } : process.env;
for (const service of services) supervisor.start(service, serviceEnv(service, { profile: 'dev', env }));

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  say('stopping services');
  await supervisor.stop();
  if (observer) {
    say('stopping Prometheus and Jaeger');
    await observer.stop();
    if (!jaegerRunning) spawnSync('bash', [jaegerScript, 'down'], { stdio: 'inherit' });
  }
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

const observed = (prometheusUrl) => `
\u001b[1mObserved\u001b[0m
  Prometheus:  ${prometheusUrl}  (alerts: ${prometheusUrl}/classic/alerts, targets: ${prometheusUrl}/classic/targets)
  Jaeger:      ${jaeger.query}  (query API; an order's traces: npm run trace -- <orderId>)
  A dashboard's query runs in Prometheus' graph page with $namespace = order-platform and
  $__rate_interval = 1m; docs/observability.md says which question each panel answers.
`;

const gateway = `http://localhost:${defaultPorts['api-gateway']}`;
async function waitUntilReady(deadline = Date.now() + 60_000) {
  while (Date.now() < deadline) {
    const ready = await fetch(`${gateway}/readyz`).then((r) => r.ok, () => false);
    if (ready) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

if (await waitUntilReady()) {
  const token = execFileSync(process.execPath, ['scripts/token.mjs'], { cwd: root, env: process.env }).toString().trim();
  const products = await fetch(`${gateway}/v1/products?limit=2`).then((r) => r.json());
  const productId = products.items?.[0]?.productId ?? '<productId>';
  process.stdout.write(`
\u001b[1mOrder platform is running\u001b[0m
  Gateway:  ${gateway}
  Token:    ${token}

Place an order:
  curl -s -X POST ${gateway}/v1/orders \\
    -H "Authorization: Bearer ${token}" -H 'Content-Type: application/json' \\
    -d '{"items":[{"productId":"${productId}","quantity":1}]}'

Then follow its Location:  curl -s ${gateway}/v1/orders/<orderId> -H "Authorization: Bearer ${token}"
${observer ? observed(observer.url) : ''}Ctrl-C stops everything.
`);
} else {
  say('the gateway did not become ready within 60 s; see the logs above');
}

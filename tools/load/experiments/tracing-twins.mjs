// Experiment: what tracing at parentbased_traceidratio 0.1 costs each service, measured on twins
// that run side by side. This machine's speed drifts by more than the cost being measured from one
// minute to the next, so runs one after the other (npm run bench's tracing phases) compare
// unevenly; two instances of a service under the same load at the same moment do not.
//   part "gateway": two gateways, one untraced (off), one at 0.1, each driven by an `npm run load`
//     of its own at --rate / 2 orders/s at the same time; one set of the other services, untraced.
//   part "order-management": one gateway at 0.1 (every command carries its sampling decision), and
//     two order-management instances, off and 0.1, competing for the same queue.
// Per instance: CPU seconds per 1,000 orders it handled (the gateway: accepted; order-management:
// decided, from its orders_processed_total), and the change from off to 0.1. Rounds repeat both
// parts; spans go over OTLP/HTTP to a sink in this process that keeps nothing.
//   node tools/load/experiments/tracing-twins.mjs [--rounds 3] [--rate 1000] [--orders 20000]
// Needs the test profile's broker and databases with the demo data, and a build: run
// `npm run load -- --spawn --orders 1000` once first (PLATFORM_TEST_SLOT picks the set-up).
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '..', '..', '..');
const localEnv = require(path.join(root, 'scripts', 'lib', 'local-env.js'));
const { median } = require(path.join(root, 'tools', 'load', 'dist', 'bench', 'tracing-cost.js'));

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    rate: { type: 'string', default: '1000' },
    orders: { type: 'string', default: '20000' },
    parts: { type: 'string', default: 'api-gateway,downstream' },
  },
});
const parts = values.parts.split(',');
const rounds = Number(values.rounds);
const rate = Number(values.rate);
const orders = Number(values.orders);

// TWIN_COUNT_SPANS=1: spans come as OTLP/JSON and are counted by service and name (printed at the end).
const spanCounts = new Map();
const sink = createServer((req, res) => {
  if (!process.env.TWIN_COUNT_SPANS) {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
    return;
  }
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    for (const resourceSpans of JSON.parse(body).resourceSpans ?? []) {
      const service = resourceSpans.resource?.attributes?.find((a) => a.key === 'service.name')?.value?.stringValue;
      for (const scope of resourceSpans.scopeSpans ?? []) for (const span of scope.spans ?? []) spanCounts.set(`${service} ${span.name}`, (spanCounts.get(`${service} ${span.name}`) ?? 0) + 1);
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
await new Promise((resolve) => sink.listen(0, '127.0.0.1', resolve));
const endpoint = `http://127.0.0.1:${sink.address().port}`;

const withoutOtel = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')));
const tracing = {
  off: { OTEL_EXPORTER_OTLP_ENDPOINT: '' },
  '0.1': {
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: '0.1',
    ...(process.env.TWIN_COUNT_SPANS ? { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '500' } : {}),
    ...JSON.parse(process.env.TWIN_ENV ?? '{}'),
  },
};

let nextPort = 27400 + Number(process.env.PLATFORM_TEST_SLOT ?? 0) * 10;
const running = new Set();

async function start(service, mode, twin = false) {
  const port = nextPort++;
  const portVar = service === 'api-gateway' ? 'PORT' : 'HTTP_PORT';
  const env = localEnv.serviceEnv(service, { profile: 'test', env: { ...withoutOtel, ...tracing[mode] }, extra: { [portVar]: String(port), LOG_LEVEL: 'warn' } });
  // TWIN_NODE_OPTIONS: NODE_OPTIONS for the 0.1 twin only (an experiment's preload, say).
  if (mode === '0.1' && process.env.TWIN_NODE_OPTIONS) env.NODE_OPTIONS = process.env.TWIN_NODE_OPTIONS;
  // TWIN_NODE_ARGS: node options for the 0.1 twin (e.g. --cpu-prof --cpu-prof-dir=DIR);
  // TWIN_OFF_NODE_ARGS: the same for the off twin (to profile both).
  const argsOf = mode === '0.1' ? process.env.TWIN_NODE_ARGS : process.env.TWIN_OFF_NODE_ARGS;
  const nodeArgs = twin && argsOf ? argsOf.split(' ') : [];
  const child = spawn(process.execPath, [...nodeArgs, '--require', '@shop/platform/preload', 'dist/main.js'], {
    cwd: path.join(root, 'services', service),
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  running.add(child);
  child.on('exit', () => running.delete(child));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)) return { service, mode, port, child, url: `http://127.0.0.1:${port}` };
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${service} (${mode}) did not get ready on ${port}`);
}

async function stopAll() {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise((resolve) => {
          child.once('exit', resolve);
          child.kill('SIGTERM');
        }),
    ),
  );
}

const cpuSeconds = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
/** User and system CPU seconds apart (TWIN_SPLIT=1 prints them for the gateways). */
const splitSeconds = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return [Number(fields[11]) / 100, Number(fields[12]) / 100];
};


function load(gateway, ordersPerSecond, count) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(root, 'tools', 'load', 'bin', 'load.js'), '--gateway', gateway.url, '--profile', 'test', '--rate', String(ordersPerSecond), '--orders', String(count), '--progress', 'none', '--json', '--report', '/dev/null'],
      { cwd: root, env: withoutOtel, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => {
      try {
        const result = JSON.parse(out);
        if (code !== 0) return reject(new Error(`load against ${gateway.mode} exited ${code}`));
        resolve(result);
      } catch (err) {
        reject(new Error(`load against ${gateway.mode}: ${err.message}`));
      }
    });
  });
}

const change = (off, on) => `${on >= off ? '+' : '−'}${Math.abs((on / off - 1) * 100).toFixed(1)} %`;
const results = { 'api-gateway': [], downstream: [] };
const downstream = ['order-management', 'customer-service', 'inventory-service'];

/** Orders decided (order-management) and messages handled (every consumer and RPC server) so far. */
async function counts(instance) {
  const text = await (await fetch(`${instance.url}/metrics`)).text();
  const sum = (name) =>
    text
      .split('\n')
      .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      .reduce((total, line) => total + Number(line.trim().split(/\s+/).at(-1) ?? 0), 0);
  return { decided: sum('orders_processed_total'), handled: sum('messages_handled_total') };
}

/** The broker's and the database's processes, found by the ports this slot's set-up listens on. */
const infrastructure = ['rabbitmq', 'postgres'];
const infraPids = (() => {
  const { RABBITMQ_URL, DATABASE_URL } = localEnv.serviceEnv('customer-service', { profile: 'test', env: {} });
  const ports = { rabbitmq: new URL(RABBITMQ_URL).port, postgres: new URL(DATABASE_URL).port };
  const listening = execFileSync('ss', ['-ltnpH'], { encoding: 'utf8' });
  return infrastructure.map((name) => {
    const line = listening.split('\n').find((l) => l.includes(`127.0.0.1:${ports[name]} `));
    const pid = line && /pid=(\d+)/.exec(line)?.[1];
    if (!pid) throw new Error(`no ${name} listening on ${ports[name]}`);
    return Number(pid);
  });
})();

/** CPU seconds of a process, its live children and the children it has reaped (Postgres' backends). */
function treeCpuSeconds(name) {
  const pid = infraPids[infrastructure.indexOf(name)];
  const stat = (p) => readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ');
  const own = stat(pid);
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  for (const child of children) {
    try {
      const fields = stat(child);
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // exited between the listing and the read: its time is in the parent's reaped children
    }
  }
  return ticks / 100;
}

try {
  for (let round = 1; round <= rounds; round += 1) {
    // Part 1: twin gateways, the same downstream.
    if (parts.includes('api-gateway')) {
      for (const service of ['order-management', 'customer-service', 'inventory-service']) await start(service, 'off');
      const twins = [await start('api-gateway', 'off', true), await start('api-gateway', '0.1', true)];
      // Warm-up, not measured: both compile their hot paths, the traced one loads its exporter.
      await Promise.all(twins.map((g) => load(g, rate / 2, Math.min(3000, orders / 4))));
      const before = twins.map((g) => cpuSeconds(g.child.pid));
      const splitBefore = twins.map((g) => splitSeconds(g.child.pid));
      const runs = await Promise.all(twins.map((g) => load(g, rate / 2, orders / 2)));
      if (process.env.TWIN_SPLIT) {
        const split = twins.map((g, i) => splitSeconds(g.child.pid).map((v, k) => ((v - splitBefore[i][k]) * 1000) / runs[i].accepted));
        console.log(`  user/system per 1,000: off ${split[0].map((v) => v.toFixed(3)).join(' / ')}  0.1 ${split[1].map((v) => v.toFixed(3)).join(' / ')}`);
      }
      const per1000 = twins.map((g, i) => ((cpuSeconds(g.child.pid) - before[i]) * 1000) / runs[i].accepted);
      results['api-gateway'].push(per1000);
      console.log(`round ${round} api-gateway       off ${per1000[0].toFixed(3)}  0.1 ${per1000[1].toFixed(3)} CPU s per 1,000 accepted  ${change(per1000[0], per1000[1])}`);
      await stopAll();
    }
    // Part 2: twin order-management, customer-service and inventory-service instances behind a
    // traced gateway; each pair competes for its queues. RabbitMQ's and Postgres' CPU per order is
    // measured too, for the pipeline's total.
    if (parts.includes('downstream')) {
      const pairs = downstream.map(async (service) => [await start(service, 'off', true), await start(service, '0.1', true)]);
      const twins = [];
      for (const pair of pairs) twins.push(await pair);
      const gateway = await start('api-gateway', '0.1');
      await load(gateway, rate, Math.min(3000, orders / 4));
      const snapshot = async () => ({
        twins: await Promise.all(twins.flat().map(async (instance) => ({ cpu: cpuSeconds(instance.child.pid), ...(await counts(instance)) }))),
        gateway: cpuSeconds(gateway.child.pid),
        infra: infrastructure.map(treeCpuSeconds),
      });
      const before = await snapshot();
      await load(gateway, rate, orders);
      const after = await snapshot();
      const decidedInRun = after.twins.slice(0, 2).reduce((sum, t, i) => sum + t.decided - before.twins[i].decided, 0);
      const row = { decided: decidedInRun, gateway: ((after.gateway - before.gateway) * 1000) / decidedInRun, infra: {} };
      infrastructure.forEach((name, i) => (row.infra[name] = ((after.infra[i] - before.infra[i]) * 1000) / decidedInRun));
      downstream.forEach((service, k) => {
        const [off, on] = [0, 1].map((j) => {
          const i = k * 2 + j;
          const unit = service === 'order-management' ? 'decided' : 'handled';
          return { cpu: after.twins[i].cpu - before.twins[i].cpu, units: after.twins[i][unit] - before.twins[i][unit], unit };
        });
        const perUnit = [off, on].map((t) => (t.cpu * 1000) / t.units);
        // Per 1,000 orders: the pair's messages per order (an RPC or a consumer's message may carry many orders).
        const unitsPerOrder = (off.units + on.units) / decidedInRun;
        row[service] = perUnit.map((v) => v * unitsPerOrder);
        console.log(
          `round ${round} ${service.padEnd(18)} off ${row[service][0].toFixed(3)}  0.1 ${row[service][1].toFixed(3)} CPU s per 1,000 orders  ${change(perUnit[0], perUnit[1])}  (${off.unit}: ${off.units} / ${on.units})`,
        );
      });
      results.downstream.push(row);
      console.log(`round ${round} RabbitMQ ${row.infra.rabbitmq.toFixed(3)}, Postgres ${row.infra.postgres.toFixed(3)} CPU s per 1,000 orders`);
      await stopAll();
    }
  }
} finally {
  await stopAll();
  sink.close();
}

const spread = (ratios) => `${change(1, median(ratios))} (rounds ${ratios.map((r) => change(1, r)).join(', ')})`;
console.log(`\nmedians over ${rounds} rounds at ${rate} orders/s, CPU s per 1,000 orders:`);
const gatewayRows = results['api-gateway'];
if (gatewayRows.length > 0) {
  console.log(`  ${'api-gateway'.padEnd(18)} off ${median(gatewayRows.map((r) => r[0])).toFixed(3)}  0.1 ${median(gatewayRows.map((r) => r[1])).toFixed(3)}  change ${spread(gatewayRows.map(([off, on]) => on / off))}`);
}
const rows = results.downstream;
for (const service of rows.length > 0 ? downstream : []) {
  console.log(`  ${service.padEnd(18)} off ${median(rows.map((r) => r[service][0])).toFixed(3)}  0.1 ${median(rows.map((r) => r[service][1])).toFixed(3)}  change ${spread(rows.map((r) => r[service][1] / r[service][0]))}`);
}
for (const name of rows.length > 0 ? infrastructure : []) console.log(`  ${name.padEnd(18)} ${median(rows.map((r) => r.infra[name])).toFixed(3)} (untraced, shared)`);
// The pipeline's throughput on a saturated machine goes as 1 / its CPU per order: what tracing
// takes is the services' extra CPU over the whole pipeline's (four services, RabbitMQ, Postgres).
if (gatewayRows.length > 0 && rows.length > 0) {
  const losses = rows.slice(0, gatewayRows.length).map((row, i) => {
    const pairs = [gatewayRows[i], ...downstream.map((service) => row[service])];
    const off = pairs.reduce((sum, [o]) => sum + o, 0) + infrastructure.reduce((sum, name) => sum + row.infra[name], 0);
    const extra = pairs.reduce((sum, [o, t]) => sum + t - o, 0);
    return { off, extra, loss: extra / (off + extra) };
  });
  const pct = (v) => `${(v * 100).toFixed(1)} %`;
  console.log(
    `  pipeline           off ${median(losses.map((l) => l.off)).toFixed(3)}  tracing adds ${median(losses.map((l) => l.extra)).toFixed(3)}: throughput −${pct(median(losses.map((l) => l.loss)))} (rounds ${losses.map((l) => pct(l.loss)).join(', ')})`,
  );
}
if (spanCounts.size > 0) {
  console.log('\nspans exported (all rounds, warm-up included), by service and name:');
  for (const [key, count] of [...spanCounts].sort((a, b) => b[1] - a[1])) console.log(`  ${String(count).padStart(8)}  ${key}`);
}

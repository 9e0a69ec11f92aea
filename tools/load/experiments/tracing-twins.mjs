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
import { spawn } from 'node:child_process';
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
    parts: { type: 'string', default: 'api-gateway,order-management' },
  },
});
const parts = values.parts.split(',');
const rounds = Number(values.rounds);
const rate = Number(values.rate);
const orders = Number(values.orders);

const sink = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
});
await new Promise((resolve) => sink.listen(0, '127.0.0.1', resolve));
const endpoint = `http://127.0.0.1:${sink.address().port}`;

const withoutOtel = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')));
const tracing = {
  off: { OTEL_EXPORTER_OTLP_ENDPOINT: '' },
  '0.1': { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1', ...JSON.parse(process.env.TWIN_ENV ?? '{}') },
};

let nextPort = 27400 + Number(process.env.PLATFORM_TEST_SLOT ?? 0) * 10;
const running = new Set();

async function start(service, mode) {
  const port = nextPort++;
  const portVar = service === 'api-gateway' ? 'PORT' : 'HTTP_PORT';
  const env = localEnv.serviceEnv(service, { profile: 'test', env: { ...withoutOtel, ...tracing[mode] }, extra: { [portVar]: String(port), LOG_LEVEL: 'warn' } });
  // TWIN_NODE_OPTIONS: NODE_OPTIONS for the 0.1 twin only (an experiment's preload, say).
  if (mode === '0.1' && process.env.TWIN_NODE_OPTIONS) env.NODE_OPTIONS = process.env.TWIN_NODE_OPTIONS;
  // TWIN_NODE_ARGS: node options for the 0.1 twin only (e.g. --cpu-prof --cpu-prof-dir=DIR).
  const nodeArgs = mode === '0.1' && process.env.TWIN_NODE_ARGS ? process.env.TWIN_NODE_ARGS.split(' ') : [];
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

async function decided(instance) {
  const text = await (await fetch(`${instance.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('orders_processed_total'))
    .reduce((sum, line) => sum + Number(line.trim().split(/\s+/)[1] ?? 0), 0);
}

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
const results = { 'api-gateway': [], 'order-management': [] };

try {
  for (let round = 1; round <= rounds; round += 1) {
    // Part 1: twin gateways, the same downstream.
    if (parts.includes('api-gateway')) {
      for (const service of ['order-management', 'customer-service', 'inventory-service']) await start(service, 'off');
      const twins = [await start('api-gateway', 'off'), await start('api-gateway', '0.1')];
      // Warm-up, not measured: both compile their hot paths, the traced one loads its exporter.
      await Promise.all(twins.map((g) => load(g, rate / 2, Math.min(3000, orders / 4))));
      const before = twins.map((g) => cpuSeconds(g.child.pid));
      const runs = await Promise.all(twins.map((g) => load(g, rate / 2, orders / 2)));
      const per1000 = twins.map((g, i) => ((cpuSeconds(g.child.pid) - before[i]) * 1000) / runs[i].accepted);
      results['api-gateway'].push(per1000);
      console.log(`round ${round} api-gateway       off ${per1000[0].toFixed(3)}  0.1 ${per1000[1].toFixed(3)} CPU s per 1,000 accepted  ${change(per1000[0], per1000[1])}`);
      await stopAll();
    }
    // Part 2: twin order-management instances behind a traced gateway.
    if (parts.includes('order-management')) {
      for (const service of ['customer-service', 'inventory-service']) await start(service, 'off');
      const twins = [await start('order-management', 'off'), await start('order-management', '0.1')];
      const gateway = await start('api-gateway', '0.1');
      await load(gateway, rate, Math.min(3000, orders / 4));
      const before = await Promise.all(twins.map(async (om) => ({ cpu: cpuSeconds(om.child.pid), decided: await decided(om) })));
      await load(gateway, rate, orders);
      const after = await Promise.all(twins.map(async (om) => ({ cpu: cpuSeconds(om.child.pid), decided: await decided(om) })));
      const per1000 = twins.map((_, i) => ((after[i].cpu - before[i].cpu) * 1000) / (after[i].decided - before[i].decided));
      const shares = twins.map((_, i) => after[i].decided - before[i].decided);
      results['order-management'].push(per1000);
      console.log(
        `round ${round} order-management  off ${per1000[0].toFixed(3)}  0.1 ${per1000[1].toFixed(3)} CPU s per 1,000 decided  ${change(per1000[0], per1000[1])}  (orders decided: ${shares.join(' / ')})`,
      );
      await stopAll();
    }
  }
} finally {
  await stopAll();
  sink.close();
}

console.log(`\nmedians over ${rounds} rounds at ${rate} orders/s:`);
for (const [service, rows] of Object.entries(results).filter(([, rows]) => rows.length > 0)) {
  const ratios = rows.map(([off, on]) => on / off);
  console.log(
    `  ${service.padEnd(18)} off ${median(rows.map((r) => r[0])).toFixed(3)}  0.1 ${median(rows.map((r) => r[1])).toFixed(3)}  change ${change(1, median(ratios))} (rounds ${ratios.map((r) => change(1, r)).join(', ')})`,
  );
}

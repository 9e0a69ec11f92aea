// Experiment: what the gateway's per-customer rate limiter (entry-points/http/order-limits.ts) costs
// on POST /v1/orders. Two gateway processes on the test profile's broker, the same build and the
// same environment but for ORDER_RATE_PER_CUSTOMER: `on` (the default, 200/s per customer) and
// `off` (0). Rounds alternate between them (on, off, off, on, ...), each a fixed time of closed-loop
// load from this process; it prints accepted orders/s and the gateway's CPU per accepted order for
// each round, the medians, and off → on as a share. Nothing consumes the orders: the queue is
// purged after each round. Then, as a figure the machine's other load disturbs less, the
// limiter middleware alone in a loop (its CPU per request), set against the gateway's CPU per order.
//   node tools/load/experiments/limiter-cost.mjs [--rounds 6] [--seconds 4] [--connections 32] [--customers 200]
// Needs the test profile's broker (KEEP_INFRA=1 npm test -- x starts it) and a build (npx tsc -b).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import amqp from 'amqplib';
import { Pool } from 'undici';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '..', '..', '..');
const localEnv = require(path.join(root, 'scripts', 'lib', 'local-env.js'));
const { queues } = require(path.join(root, 'libs', 'contracts', 'dist'));

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '6' },
    seconds: { type: 'string', default: '4' },
    connections: { type: 'string', default: '32' },
    customers: { type: 'string', default: '200' },
  },
});
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const connections = Number(values.connections);

const modes = { on: {}, off: { ORDER_RATE_PER_CUSTOMER: '0' } };
const ports = { on: 27291, off: 27292 };

function startGateway(mode) {
  const env = localEnv.serviceEnv('api-gateway', { profile: 'test', extra: { PORT: String(ports[mode]), LOG_LEVEL: 'warn', ...modes[mode] } });
  const child = spawn(process.execPath, ['--require', '@shop/platform/preload', 'dist/main.js'], {
    cwd: path.join(root, 'services', 'api-gateway'),
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return child;
}

const cpuSeconds = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

async function waitReady(port, deadline = Date.now() + 30_000) {
  while (Date.now() < deadline) {
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
    if (ready) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`gateway on ${port} not ready`);
}

const tokens = await Promise.all(
  Array.from({ length: Number(values.customers) }, () => localEnv.devIdentity.signDevToken({ sub: randomUUID(), role: 'customer', expiresIn: 3600 })),
);
const body = () => JSON.stringify({ items: [{ productId: randomUUID(), quantity: 1 }, { productId: randomUUID(), quantity: 2 }] });

/** Closed loop: each connection sends its next order when the last one is answered. */
async function round(mode, pid) {
  const pool = new Pool(`http://127.0.0.1:${ports[mode]}`, { connections, pipelining: 1 });
  const counts = { accepted: 0, other: 0 };
  const until = Date.now() + seconds * 1000;
  const cpuBefore = cpuSeconds(pid);
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < until) {
        const token = tokens[next++ % tokens.length];
        const res = await pool.request({
          method: 'POST',
          path: '/v1/orders',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: body(),
        });
        await res.body.dump();
        if (res.statusCode === 202) counts.accepted += 1;
        else counts.other += 1;
      }
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = cpuSeconds(pid) - cpuBefore;
  await pool.close();
  return { perSecond: counts.accepted / elapsed, cpuMicrosPerOrder: (cpu / counts.accepted) * 1e6, other: counts.other };
}

async function purge() {
  const connection = await amqp.connect(localEnv.serviceEnv('api-gateway', { profile: 'test' }).RABBITMQ_URL);
  const channel = await connection.createChannel();
  await channel.purgeQueue(queues.placeOrder);
  await connection.close();
}

/** The middleware alone, as the route calls it, on the same 200 customers: µs of CPU per call. */
async function middlewareAlone(calls = 200_000) {
  const { perCustomerRate } = require(path.join(root, 'services', 'api-gateway', 'dist', 'entry-points', 'http', 'order-limits.js'));
  const { createMetrics } = require(path.join(root, 'libs', 'platform', 'dist'));
  const limit = perCustomerRate({ perCustomerPerSecond: 1_000_000, maxInFlight: 1 }, createMetrics('limiter-cost'));
  const responses = tokens.map(() => ({ locals: { caller: { customerId: randomUUID(), role: 'customer' } }, setHeader() {} }));
  const run = async (n) => {
    for (let i = 0; i < n; i += 1) await limit({}, responses[i % responses.length], () => undefined);
  };
  await run(20_000);
  const before = process.cpuUsage();
  await run(calls);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / calls;
}

const children = { on: startGateway('on'), off: startGateway('off') };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  await Promise.all(Object.keys(ports).map((mode) => waitReady(ports[mode])));
  // Warm-up: JIT, connections, the token cache of both gateways.
  for (const mode of ['on', 'off']) await round(mode, children[mode].pid);
  await purge();
  const results = { on: [], off: [] };
  for (let i = 0; i < rounds; i += 1) {
    // on, off, off, on, ...: neither mode always runs first, or right after a purge.
    const order = i % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
    for (const mode of order) {
      const r = await round(mode, children[mode].pid);
      results[mode].push(r);
      console.log(`round ${i + 1} ${mode.padEnd(3)} ${r.perSecond.toFixed(0).padStart(6)} accepted/s  ${r.cpuMicrosPerOrder.toFixed(1).padStart(6)} µs gateway CPU/order${r.other ? `  (${r.other} not 202)` : ''}`);
      await purge();
    }
  }
  const m = (mode, key) => median(results[mode].map((r) => r[key]));
  const [onRate, offRate, onCpu, offCpu] = [m('on', 'perSecond'), m('off', 'perSecond'), m('on', 'cpuMicrosPerOrder'), m('off', 'cpuMicrosPerOrder')];
  console.log(`median  on ${onRate.toFixed(0)}/s, off ${offRate.toFixed(0)}/s: throughput ${(((onRate - offRate) / offRate) * 100).toFixed(1)} % with the limiter`);
  console.log(`median  on ${onCpu.toFixed(1)} µs, off ${offCpu.toFixed(1)} µs gateway CPU per order: ${(((onCpu - offCpu) / offCpu) * 100).toFixed(1)} % with the limiter`);
  const alone = await middlewareAlone();
  console.log(`limiter middleware alone: ${alone.toFixed(2)} µs CPU per request = ${((alone / offCpu) * 100).toFixed(2)} % of the gateway's CPU per order (off)`);
} finally {
  for (const child of Object.values(children)) child.kill('SIGTERM');
}

// npm start: set everything up on this machine and run the four services until Ctrl-C.
import { execFileSync } from 'node:child_process';
import steps from './lib/steps.js';
import localEnv from './lib/local-env.js';
import supervisorModule from './lib/supervisor.js';
import ports from './lib/ports.js';

const { root, say, prepare, services } = steps;
const { serviceEnv, defaultPorts } = localEnv;
const { Supervisor } = supervisorModule;

const taken = await ports.takenPorts(defaultPorts);
if (taken.length > 0) {
  const list = taken.map(([name, port]) => `${port} (${name})`).join(', ');
  process.stderr.write(`${taken.length > 1 ? 'Ports' : 'Port'} ${list} already in use: is npm start running elsewhere? Stop it (Ctrl-C there) and try again.\n`);
  process.exit(1);
}

prepare({ profile: 'dev', withSeed: true });

const supervisor = new Supervisor({ root });
for (const service of services) supervisor.start(service, serviceEnv(service, { profile: 'dev' }));

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  say('stopping services');
  await supervisor.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

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
Ctrl-C stops everything.
`);
} else {
  say('the gateway did not become ready within 60 s; see the logs above');
}

// npm run test:isolation: `npm test`, run in full while `npm start` serves the development platform
// on the same machine, must leave that platform untouched: its orders flow before and after, its
// RabbitMQ connection is never closed (no broker or app restart) and its PostgreSQL cluster is never
// restarted. The inner `npm test` writes the usual reports/jest-results.json.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import amqp, { type ChannelModel } from 'amqplib';
import { Client } from 'pg';
import { Api, tokenFor, waitFor } from '@shop/test-kit';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const localEnv = require('../../scripts/lib/local-env.js');

const root = path.resolve(__dirname, '..', '..');
const gatewayUrl = `http://127.0.0.1:${localEnv.defaultPorts['api-gateway']}`;
const devEnv = (service: string): Record<string, string> => localEnv.serviceEnv(service, { profile: 'dev' });
const ready = () => fetch(`${gatewayUrl}/readyz`).then((r) => r.ok, () => false);


describe('npm test beside npm start', () => {
  let platform: ChildProcess | undefined;
  let broker: ChannelModel;
  let brokerClosed: unknown;
  let database: Client;

  beforeAll(async () => {
    if (!(await ready())) {
      platform = spawn(process.execPath, ['scripts/start.mjs'], { cwd: root, stdio: 'inherit', detached: true });
      await waitFor(ready, { timeoutMs: 300_000, intervalMs: 500, what: 'npm start ready' });
    }
    broker = await amqp.connect(devEnv('api-gateway').RABBITMQ_URL);
    broker.on('close', (err) => (brokerClosed = err ?? 'closed'));
    broker.on('error', () => undefined);
    database = new Client({ connectionString: devEnv('order-management').DATABASE_URL });
    database.on('error', () => undefined);
    await database.connect();
  });

  afterAll(async () => {
    await broker?.close().catch(() => undefined);
    await database?.end().catch(() => undefined);
    if (platform?.pid) {
      process.kill(-platform.pid, 'SIGINT');
      await new Promise((resolve) => platform!.once('exit', resolve));
    }
  });

  const placeAndConfirm = async (api: Api, productId: string): Promise<string> => {
    const accepted = await api.post('/v1/orders', { items: [{ productId, quantity: 1 }] });
    expect(accepted.status).toBe(202);
    const order = await api.settledOrder(accepted.body.orderId, 30_000);
    expect(order.status).toBe('CONFIRMED');
    return accepted.body.orderId;
  };

  it('when a full npm test runs, then the running platform keeps its broker, its database and its orders', async () => {
    const admin = await Api.asAdmin(gatewayUrl);
    const productId = await admin.createProduct(150, 10);
    const customerId = await admin.createCustomer();
    const api = new Api(gatewayUrl, await tokenFor(customerId));
    const startedAt = (await database.query('SELECT pg_postmaster_start_time() AS t')).rows[0].t.toISOString();

    const before = await placeAndConfirm(api, productId);

    const npmTest = spawnSync('npm', ['test'], { cwd: root, stdio: 'inherit', timeout: 40 * 60_000 });
    expect(npmTest.status).toBe(0);

    expect(brokerClosed).toBeUndefined();
    const after = (await database.query('SELECT pg_postmaster_start_time() AS t')).rows[0].t.toISOString();
    expect(after).toBe(startedAt);
    await placeAndConfirm(api, productId);
    expect((await api.get(`/v1/orders/${before}`)).body.status).toBe('CONFIRMED');
    expect(await admin.available(productId)).toBe(8);
  });
});

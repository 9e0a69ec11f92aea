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
const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;
/** Resolves true once the child has exited, false when it is still running after timeoutMs. */
const exitOf = (child: ChildProcess, timeoutMs: number) =>
  hasExited(child)
    ? Promise.resolve(true)
    : new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
/** A clean-up step that may not hang the run: it gets timeoutMs, then the run goes on. */
const bounded = (work: Promise<unknown> | undefined, timeoutMs: number) =>
  Promise.race([Promise.resolve(work).catch(() => undefined), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
const signalGroup = (pid: number, signal: NodeJS.Signals) => {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
};


describe('npm test beside npm start', () => {
  let platform: ChildProcess | undefined;
  let platformExit: string | undefined;
  let broker: ChannelModel;
  let brokerClosed: unknown;
  let database: Client;

  beforeAll(async () => {
    if (!(await ready())) {
      platform = spawn(process.execPath, ['scripts/start.mjs'], { cwd: root, stdio: 'inherit', detached: true });
      platform.on('exit', (code, signal) => (platformExit = `npm start exited (${signal ?? code})`));
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
    await bounded(broker?.close(), 5_000);
    await bounded(database?.end(), 5_000);
    if (platform?.pid) {
      // npm start stops on Ctrl-C (SIGINT to its process group); whatever is left after a minute is killed.
      signalGroup(platform.pid, 'SIGINT');
      if (!(await exitOf(platform, 60_000))) signalGroup(platform.pid, 'SIGKILL');
      await exitOf(platform, 5_000);
    }
  }, 90_000);

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

    const npmTest = spawnSync('npm', ['test'], { cwd: root, stdio: 'inherit', timeout: 25 * 60_000 });
    expect(npmTest.status).toBe(0);
    expect(platformExit).toBeUndefined();

    expect(brokerClosed).toBeUndefined();
    const after = (await database.query('SELECT pg_postmaster_start_time() AS t')).rows[0].t.toISOString();
    expect(after).toBe(startedAt);
    await placeAndConfirm(api, productId);
    expect((await api.get(`/v1/orders/${before}`)).body.status).toBe('CONFIRMED');
    expect(await admin.available(productId)).toBe(8);
  });
});

import { newId } from '@shop/contracts';
import { Api, eventually, startPlatform, type RunningPlatform } from '@shop/test-kit';
import { allReady, startBroker, stopBroker } from '../faults/support/actions';

// The Location of a 202 is a status monitor from its first moment: the owner never reads 404 for
// an order the gateway accepted, and may cancel it at once.

interface Tally {
  statuses: Record<string, number>;
}

const count = (tally: Tally, key: string) => (tally.statuses[key] = (tally.statuses[key] ?? 0) + 1);

async function placeThenGet(customer: Api, productId: string, times: number): Promise<Tally> {
  const tally: Tally = { statuses: {} };
  for (let i = 0; i < times; i += 1) {
    const placed = await customer.post('/v1/orders', { items: [{ productId, quantity: 1 }] });
    expect(placed.status).toBe(202);
    const read = await customer.get(placed.headers.get('location')!);
    count(tally, read.status === 200 ? read.body.status : String(read.status));
    if (read.status === 200 && read.body.status === 'PENDING') expect(read.headers.get('retry-after')).toBe('1');
  }
  return tally;
}

/** Places and at once cancels; returns the tally and the ids that ended CANCELLED. */
async function placeThenCancel(customer: Api, productId: string, times: number): Promise<Tally & { cancelled: string[] }> {
  const tally = { statuses: {} as Record<string, number>, cancelled: [] as string[] };
  for (let i = 0; i < times; i += 1) {
    const placed = await customer.post('/v1/orders', { items: [{ productId, quantity: 1 }] });
    expect(placed.status).toBe(202);
    const cancelled = await customer.post(`/v1/orders/${placed.body.orderId}/cancel`);
    count(tally, cancelled.status === 200 ? cancelled.body.status : String(cancelled.status));
    if (cancelled.status === 200) tally.cancelled.push(placed.body.orderId);
  }
  return tally;
}

async function expectAllCancelledAndStockBack(admin: Api, customer: Api, productId: string, stock: number, ids: string[]) {
  for (const id of ids) expect((await customer.settledOrder(id)).status).toBe('CANCELLED');
  // Every order was cancelled, so inventory must end holding nothing for any of them.
  expect(await eventually(() => admin.available(productId), (n) => n === stock, 20_000)).toBe(stock);
}

describe('reading and cancelling right after the 202, one gateway and one order-management', () => {
  let platform: RunningPlatform;
  let admin: Api;

  beforeAll(async () => {
    platform = await startPlatform();
    admin = await Api.asAdmin(platform.gatewayUrl);
  }, 60_000);

  afterAll(async () => platform?.stop());

  it('when 200 orders are each read at their Location as soon as the 202 arrives, then none is 404', async () => {
    const customer = await Api.asCustomer(platform.gatewayUrl, await admin.createCustomer());
    const productId = await admin.createProduct(100, 1000);

    const tally = await placeThenGet(customer, productId, 200);

    expect(tally.statuses['404']).toBeUndefined();
    expect(Object.keys(tally.statuses).every((s) => ['PENDING', 'CONFIRMED'].includes(s))).toBe(true);
  }, 120_000);

  it('when 400 orders are each cancelled as soon as the 202 arrives, then none is 404, each ends CANCELLED and all stock comes back', async () => {
    const customer = await Api.asCustomer(platform.gatewayUrl, await admin.createCustomer());
    const productId = await admin.createProduct(100, 1000);

    const tally = await placeThenCancel(customer, productId, 400);

    expect(tally.statuses).toEqual({ CANCELLED: 400 });
    await expectAllCancelledAndStockBack(admin, customer, productId, 1000, tally.cancelled);
  }, 180_000);

  it('when another customer reads or cancels a fresh order, or anyone an id never accepted, then the answer is 404', async () => {
    const owner = await Api.asCustomer(platform.gatewayUrl, await admin.createCustomer());
    const other = await Api.asCustomer(platform.gatewayUrl, await admin.createCustomer());
    const productId = await admin.createProduct(100, 10);
    const placed = await owner.post('/v1/orders', { items: [{ productId, quantity: 1 }] });
    const neverAccepted = newId();

    const answers = [
      await other.get(`/v1/orders/${placed.body.orderId}`),
      await other.post(`/v1/orders/${placed.body.orderId}/cancel`),
      await owner.get(`/v1/orders/${neverAccepted}`),
      await owner.post(`/v1/orders/${neverAccepted}/cancel`),
    ];

    expect(answers.map((a) => a.status)).toEqual([404, 404, 404, 404]);
    expect((await owner.settledOrder(placed.body.orderId)).status).toBe('CONFIRMED');
  });

  it('when the cancel overtakes its order and the broker restarts before the order is handled, then it ends CANCELLED with its items and nothing is reserved', async () => {
    // Held back: order-management waits 3 s to fill a batch, so the cancel always arrives first.
    const slow = await startPlatform({ env: { 'order-management': { BATCH_MAX_WAIT_MS: '3000' } } });
    try {
      const slowAdmin = await Api.asAdmin(slow.gatewayUrl);
      const customer = await Api.asCustomer(slow.gatewayUrl, await slowAdmin.createCustomer());
      const productId = await slowAdmin.createProduct(100, 5);
      const placed = await customer.post('/v1/orders', { items: [{ productId, quantity: 2 }] });

      const early = await customer.get(`/v1/orders/${placed.body.orderId}`);
      const cancelled = await customer.post(`/v1/orders/${placed.body.orderId}/cancel`);

      expect(early).toMatchObject({ status: 200, body: { orderId: placed.body.orderId, status: 'PENDING', items: [] } });
      expect(cancelled).toMatchObject({ status: 200, body: { status: 'CANCELLED' } });
      // The command is still unacked in order-management's batch: the restart redelivers it.
      stopBroker();
      startBroker();
      await allReady(slow);
      const final = await eventually(() => customer.get(`/v1/orders/${placed.body.orderId}`), (r) => r.body.items.length > 0, 30_000);
      expect(final.body).toMatchObject({ status: 'CANCELLED', items: [{ productId, quantity: 2 }] });
      expect(await slowAdmin.available(productId)).toBe(5);
      expect((await customer.post(`/v1/orders/${placed.body.orderId}/cancel`)).status).toBe(409);
    } finally {
      await slow.stop();
    }
  }, 120_000);
});

describe('reading and cancelling right after the 202, two gateway workers and two order-management replicas', () => {
  let platform: RunningPlatform;
  let admin: Api;

  beforeAll(async () => {
    platform = await startPlatform({ env: { 'api-gateway': { GATEWAY_WORKERS: '2' } }, extraOrderManagers: 1 });
    admin = await Api.asAdmin(platform.gatewayUrl);
  }, 60_000);

  afterAll(async () => platform?.stop());

  it('when 200 orders are read and 400 cancelled as soon as their 202 arrives, then none is 404 and all stock comes back', async () => {
    const customer = await Api.asCustomer(platform.gatewayUrl, await admin.createCustomer());
    const readProduct = await admin.createProduct(100, 1000);
    const cancelProduct = await admin.createProduct(100, 1000);

    const reads = await placeThenGet(customer, readProduct, 200);
    const cancels = await placeThenCancel(customer, cancelProduct, 400);

    expect(reads.statuses['404']).toBeUndefined();
    expect(cancels.statuses).toEqual({ CANCELLED: 400 });
    await expectAllCancelledAndStockBack(admin, customer, cancelProduct, 1000, cancels.cancelled);
  }, 240_000);
});

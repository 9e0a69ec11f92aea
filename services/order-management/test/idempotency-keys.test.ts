import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createOrdersDataSource } from '../src/data-access/data-source';
import { createOrderRepository } from '../src/data-access/order.repository';
import { createClaimIdempotencyKey, createExpireIdempotencyKeys } from '../src/domain/claim-idempotency-key.use-case';
import { testEnv } from '@shop/test-kit';

// Idempotency-Keys against the real orders database: kept for the retention, then taken over by a
// new request and swept away in batches.
const env = testEnv('order-management');
const retentionS = 3600;
let db: DataSource;

beforeAll(async () => {
  db = await createOrdersDataSource(env.DATABASE_URL, 2).initialize();
});

afterAll(async () => {
  await db?.destroy();
});

const orders = createOrderRepository();
const claim = () => createClaimIdempotencyKey({ db: db.manager, orders, retentionS });
const request = (customerId: string, key: string, hash: string) => ({ customerId, key, requestHash: hash.padEnd(64, '0'), orderId: randomUUID() });
const age = (customerId: string, seconds: number) =>
  db.query(`UPDATE idempotency_keys SET created_at = now() - make_interval(secs => $2) WHERE customer_id = $1`, [customerId, seconds]);
const keysOf = async (customerId: string) => (await db.query(`SELECT key FROM idempotency_keys WHERE customer_id = $1 ORDER BY key`, [customerId])).map((r: { key: string }) => r.key);

describe('Idempotency-Key lifetime', () => {
  it('when a key is claimed again within its retention, then the first order id and request come back', async () => {
    const customerId = randomUUID();
    const first = request(customerId, 'k-1', 'aa');
    expect(await claim()(first)).toEqual({ orderId: first.orderId, requestHash: first.requestHash });
    await age(customerId, retentionS - 60);
    const retry = request(customerId, 'k-1', 'bb');
    expect(await claim()(retry)).toEqual({ orderId: first.orderId, requestHash: first.requestHash });
  });

  it('when a key is claimed after its retention, even before the sweep deleted it, then the new request wins: a new order', async () => {
    const customerId = randomUUID();
    const first = request(customerId, 'k-1', 'aa');
    await claim()(first);
    await age(customerId, retentionS + 1);
    const later = request(customerId, 'k-1', 'bb');
    expect(await claim()(later)).toEqual({ orderId: later.orderId, requestHash: later.requestHash });
    // ...and it is kept for a retention of its own.
    expect(await claim()(request(customerId, 'k-1', 'cc'))).toEqual({ orderId: later.orderId, requestHash: later.requestHash });
  });

  it('when the expiry runs, then it deletes every expired key in batches and leaves the live ones', async () => {
    const expired = randomUUID();
    const live = randomUUID();
    for (let i = 0; i < 25; i += 1) await claim()(request(expired, `k-${String(i).padStart(2, '0')}`, 'aa'));
    await claim()(request(live, 'k-live', 'aa'));
    await age(expired, retentionS + 5);

    const deleted = await createExpireIdempotencyKeys({ db: db.manager, orders, retentionS, batchSize: 10 })();

    expect(deleted).toBeGreaterThanOrEqual(25);
    expect(await keysOf(expired)).toEqual([]);
    expect(await keysOf(live)).toEqual(['k-live']);
  });
});

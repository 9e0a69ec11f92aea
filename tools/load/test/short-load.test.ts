import { runLoad, type LoadResult } from '../src/load/run-load';
import { ordersDatabaseUrl } from '../src/repo';
import { seedDemoData } from '../src/target/seed-demo-data';
import { startPlatform, type RunningPlatform } from '@shop/test-kit';

/**
 * CI's short load: a few thousand orders through the four real services, each one followed to
 * its decision and reconciled with the orders database. It asserts that nothing is lost or
 * duplicated, never how fast it went: CI machines are shared.
 */
describe('a short load through the whole platform', () => {
  let platform: RunningPlatform;
  let result: LoadResult;

  beforeAll(async () => {
    seedDemoData('test');
    platform = await startPlatform();
    result = await runLoad({
      gatewayUrl: platform.gatewayUrl,
      ordersDatabaseUrl: ordersDatabaseUrl('test'),
      orders: 3000,
      concurrency: 32,
      customers: 100,
      outOfStockShare: 0.05,
      drainTimeoutSeconds: 30,
      progress: 'none',
      reads: 100,
    });
  }, 90_000);

  afterAll(async () => {
    await platform?.stop();
  });

  it('when 3,000 orders are placed, then every request is answered and orders are accepted', () => {
    expect(result.sent).toBe(3000);
    expect(result.accepted).toBeGreaterThan(0);
    expect(result.accepted + Object.values(result.refused).reduce((a, b) => a + b, 0)).toBe(result.sent);
  });

  it('when the run has drained, then every accepted order reached CONFIRMED or REJECTED', () => {
    expect(result.stuck).toEqual([]);
    expect(result.confirmed + result.rejected).toBe(result.accepted);
    expect(result.endToEnd.count).toBe(result.accepted);
    // The mix sends a share of orders with a sold-out product: both outcomes must occur.
    expect(result.confirmed).toBeGreaterThan(0);
    expect(result.rejected).toBeGreaterThan(0);
  });

  it('when reads are asked for, then each owner reads its orders after an unmeasured warm-up', () => {
    expect(result.reads).toEqual(
      expect.objectContaining({ errors: 0, getOrder: expect.objectContaining({ count: 100 }), firstPage: expect.objectContaining({ count: 100 }) }),
    );
    expect(result.reads?.warmup.count).toBe(500);
  });

  it('when the database is reconciled with the 202s, then nothing is lost or duplicated', () => {
    expect(result.reconciliation).toEqual(
      expect.objectContaining({ accepted: result.accepted, lost: 0, duplicated: 0, stillPending: 0, wrongCustomer: 0 }),
    );
  });
});

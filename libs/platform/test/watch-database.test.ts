import { watchDatabase } from '@shop/platform';
import { sleep } from '@shop/test-kit';

// A database that stops answering is simulated by a query that never settles: what is under test
// is how often the watcher asks, not the database.
describe('watching the database for readiness', () => {
  it('when a check hangs, then no second check is started and the database reads as down', async () => {
    let queries = 0;
    let stalled = true;
    let answer: (() => void) | undefined;
    const database = {
      isInitialized: true,
      query: () => ((queries += 1), stalled ? new Promise<void>((resolve) => (answer = resolve)) : Promise.resolve()),
    };

    const watch = watchDatabase(database as never, 20);
    await sleep(250);

    expect(queries).toBe(1);
    expect(watch.up).toBe(false);
    stalled = false;
    answer!();
    await sleep(100);
    expect(queries).toBeGreaterThan(1);
    expect(watch.up).toBe(true);
    watch.stop();
  });
});

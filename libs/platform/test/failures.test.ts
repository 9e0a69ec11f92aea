import { AppError, isDataError, isolateFailures, isTransientError } from '@shop/platform';

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });
const typeormError = (code: string) => Object.assign(new Error('QueryFailedError'), { driverError: { code } });

describe('classifying failures', () => {
  it.each([
    ['a NUL in text (22021)', true, pgError('22021')],
    ['bigint out of range (22003), wrapped by TypeORM', true, typeormError('22003')],
    ['a check constraint (23514)', true, pgError('23514')],
    ['a 422 from another service', true, new AppError('unprocessable-data', 'x', 422)],
    ['a serialization failure (40001)', false, pgError('40001')],
    ['a timeout from another service', false, new AppError('upstream-timeout', 'x', 503)],
    ['a TypeError', false, new TypeError('x is undefined')],
  ])('when the error is %s, then isDataError is %s', (_name, expected, err) => {
    expect(isDataError(err)).toBe(expected);
  });

  it.each([
    ['a deadlock (40P01)', true, pgError('40P01')],
    ['an admin shutdown (57P01)', true, pgError('57P01')],
    ['a refused connection', true, Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['a lost connection without a code', true, new Error('Connection terminated unexpectedly')],
    ['a 503 from another service', true, new AppError('service-unavailable', 'x', 503)],
    ['a 422 from another service', false, new AppError('unprocessable-data', 'x', 422)],
    ['a data exception (22P02)', false, typeormError('22P02')],
    ['a TypeError', false, new TypeError('x is undefined')],
  ])('when the error is %s, then isTransientError is %s', (_name, expected, err) => {
    expect(isTransientError(err)).toBe(expected);
  });
});

describe('isolating the items that fail on their own', () => {
  /** Work that fails whenever a poisoned item is in the call, recording every call. */
  const workFailingOn = (poison: Set<number>, error: () => unknown = () => pgError('22021')) => {
    const calls: number[][] = [];
    const done = new Set<number>();
    const work = async (items: number[]) => {
      calls.push(items);
      if (items.some((i) => poison.has(i))) throw error();
      for (const i of items) done.add(i);
    };
    return { work, calls, done };
  };

  it('when nothing fails, then the work runs once on every item', async () => {
    const { work, calls } = workFailingOn(new Set());

    const result = await isolateFailures([1, 2, 3], work);

    expect(result).toEqual({ failed: [], succeeded: 3 });
    expect(calls).toEqual([[1, 2, 3]]);
  });

  it('when one item of many fails on its data, then every other item is done and only that one is reported', async () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const { work, calls, done } = workFailingOn(new Set([37]));

    const result = await isolateFailures(items, work);

    expect(result.failed.map((f) => f.item)).toEqual([37]);
    expect(result.succeeded).toBe(99);
    expect([...done].sort((a, b) => a - b)).toEqual(items.filter((i) => i !== 37));
    // Halving pins one bad item in about 2·log2(n) calls, not one call per item.
    expect(calls.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(items.length)) + 1);
  });

  it('when several items fail, then each is reported alone', async () => {
    const { work, done } = workFailingOn(new Set([0, 5, 9]));

    const result = await isolateFailures(Array.from({ length: 10 }, (_, i) => i), work);

    expect(result.failed.map((f) => f.item)).toEqual([0, 5, 9]);
    expect(done.size).toBe(7);
  });

  it('when the failure is transient, then the whole call fails without splitting', async () => {
    const { work, calls } = workFailingOn(new Set([2]), () => pgError('40001'));

    await expect(isolateFailures([1, 2, 3, 4], work)).rejects.toMatchObject({ code: '40001' });
    expect(calls).toEqual([[1, 2, 3, 4]]);
  });

  it('when a non-data error fails every item alike, then it is the system failing and the whole call fails', async () => {
    const { work } = workFailingOn(new Set([1, 2, 3, 4]), () => new TypeError('broken'));

    await expect(isolateFailures([1, 2, 3, 4], work)).rejects.toThrow('broken');
  });

  it('when a non-data error fails one item while the others pass, then that item is reported', async () => {
    const { work } = workFailingOn(new Set([3]), () => new TypeError('broken by item 3'));

    const result = await isolateFailures([1, 2, 3, 4], work);

    expect(result.failed).toEqual([{ item: 3, error: expect.any(TypeError) }]);
  });
});

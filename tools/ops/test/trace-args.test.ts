import { parseTraceArgs } from '../src/trace';

const ORDER = '5b0f6c1e-8f3a-4d7e-9c21-3f5a1b2c4d6e';

describe('npm run trace arguments', () => {
  it('when an order id and options are given, then they are read', () => {
    expect(parseTraceArgs([ORDER, '--jaeger', 'http://127.0.0.1:26686', '--json', '--lookback', '6h', '--limit', '20'])).toEqual({
      orderId: ORDER,
      jaegerUrl: 'http://127.0.0.1:26686',
      json: true,
      lookback: '6h',
      lookbackMs: 6 * 3_600_000,
      limit: 20,
    });
    expect(parseTraceArgs([ORDER])).toMatchObject({ jaegerUrl: 'http://127.0.0.1:16686', json: false, lookbackMs: 2 * 86_400_000, limit: 100 });
  });

  it.each([
    [[], 'an order id is required'],
    [[ORDER, 'extra'], 'unexpected extra'],
    [[ORDER, '--jaeger', 'localhost:16686'], 'is not an http(s) URL'],
    [[ORDER, '--jaeger', 'not a url'], 'is not a URL'],
    [[ORDER, '--lookback', '2 days'], '--lookback must be a positive duration'],
    [[ORDER, '--lookback', '0h'], '--lookback must be a positive duration'],
    [[ORDER, '--limit', '1.5'], '--limit must be a positive integer'],
    [[ORDER, '--limit', '0'], '--limit must be a positive integer'],
    [[ORDER, '--jeager', 'http://x'], "Unknown option '--jeager'"],
  ])('when the arguments are %j, then the usage error says %s', (args, error) => {
    expect(parseTraceArgs(args as string[])).toEqual({ error: expect.stringContaining(error) });
  });
});

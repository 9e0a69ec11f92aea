import { randomUUID } from 'node:crypto';
import { AppError, createMetrics } from '@shop/platform';
import { BROKER_URL, quietLogger, rawConnection } from '@shop/test-kit';
import { BrokerConnection, RpcClient, RpcServer } from '../src';

// The client's latency histogram against a real server on the test broker: one series per method
// and outcome, whichever way the call ends.
const queue = `rpc-metrics-test-${randomUUID()}`;
const metrics = createMetrics('rpc-metrics-test');
let broker: BrokerConnection;
let server: RpcServer;
let client: RpcClient;

beforeAll(async () => {
  broker = new BrokerConnection({ url: BROKER_URL, name: 'rpc-metrics-test', logger: quietLogger() });
  const any = { validate: (value: unknown) => ({ value }) };
  server = new RpcServer({
    broker,
    queue,
    logger: quietLogger(),
    metrics: createMetrics('rpc-metrics-test-server'),
    prefetch: 10,
    methods: [
      ['test.echo', { schema: any, handle: async (input) => input }],
      ['test.refuse', { schema: any, handle: async () => Promise.reject(new AppError('not-found', 'No such thing', 404)) }],
      ['test.slow', { schema: any, handle: () => new Promise((resolve) => setTimeout(resolve, 1000)) }],
    ],
  });
  client = new RpcClient(broker, quietLogger(), 300, metrics);
  await server.start();
  await client.start();
  await broker.start();
});

afterAll(async () => {
  await server?.stop();
  await client?.close();
  await broker?.close();
  const connection = await rawConnection();
  const channel = await connection.createChannel();
  await channel.deleteQueue(queue);
  await connection.close();
});

/** A method whose reply is an object with a numeric `a` (the echo's contract). */
const method = (name: string) => ({
  name,
  reply: {
    validate: (value: unknown) =>
      typeof (value as { a?: unknown } | null)?.a === 'number' ? { value } : { value, error: { message: '"a" must be a number' } },
  },
});

const counts = async () =>
  Object.fromEntries(
    (await metrics.rpcClientDuration.get()).values
      .filter((v) => v.metricName === 'rpc_client_duration_seconds_count')
      .map((v) => [`${v.labels.method} ${v.labels.outcome}`, v.value]),
  );

it('when calls are answered, refused, time out or find no server, then each is timed under its method and outcome', async () => {
  await expect(client.call(queue, method('test.echo'), { a: 1 })).resolves.toEqual({ a: 1 });
  await expect(client.call(queue, method('test.echo'), { a: 2 })).resolves.toEqual({ a: 2 });
  await expect(client.call(queue, method('test.refuse'), {})).rejects.toMatchObject({ code: 'not-found' });
  await expect(client.call(queue, method('test.slow'), {})).rejects.toMatchObject({ code: 'upstream-timeout' });
  await expect(client.call(`nobody-${randomUUID()}`, method('test.echo'), {})).rejects.toMatchObject({ code: 'service-unavailable' });

  expect(await counts()).toEqual({ 'test.echo ok': 2, 'test.refuse error': 1, 'test.slow timeout': 1, 'test.echo unavailable': 1 });
  const slow = (await metrics.rpcClientDuration.get()).values.find((v) => v.metricName === 'rpc_client_duration_seconds_sum' && v.labels.method === 'test.slow');
  // The timeout is 300 ms; a timer may fire a fraction of a millisecond before the clock that times it says so.
  expect(slow?.value).toBeGreaterThanOrEqual(0.295);
});

it('when a reply breaks the method contract, then the call fails as a bad reply (502) and is counted as an error', async () => {
  const before = (await counts())['test.echo error'] ?? 0;

  await expect(client.call(queue, method('test.echo'), { a: 'one' })).rejects.toMatchObject({
    code: 'bad-reply',
    status: 502,
    message: 'The reply of test.echo breaks its contract: "a" must be a number',
  });

  expect((await counts())['test.echo error']).toBe(before + 1);
});

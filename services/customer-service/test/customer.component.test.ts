import type { RpcCall } from '@shop/messaging';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { customerRpc, queues, type CustomerView } from '@shop/contracts';
import { startCustomerService, type RunningCustomerService } from '../src/app';
import { loadCustomerServiceConfig } from '../src/config';
import { quietLogger, startRpcClient, testEnv, waitReady } from '@shop/test-kit';

let service: RunningCustomerService;
let client: Awaited<ReturnType<typeof startRpcClient>>;

beforeAll(async () => {
  service = await startCustomerService(loadCustomerServiceConfig(testEnv('customer-service', { extra: { HTTP_PORT: '0' } })), quietLogger());
  await waitReady(`http://127.0.0.1:${service.port}/readyz`);
  client = await startRpcClient();
});

afterAll(async () => {
  await client?.close();
  await service?.stop();
});

// Each reply is checked against the method's reply contract by the client, as in production.
const call = <T>(method: RpcCall<unknown>, payload: unknown) => client.rpc.call(queues.customerRpc, method, payload) as Promise<T>;
const newCustomer = (overrides: Record<string, unknown> = {}) =>
  call<CustomerView>(customerRpc.create, { name: 'Ada Lovelace', email: `ada-${randomUUID()}@example.com`, ...overrides });

describe('customer-service', () => {
  it('when a customer is created, then it is found by id with its default address and ACTIVE', async () => {
    const address = { line1: ' 12 Analytical Row ', city: 'London', postalCode: 'N1 9GU', country: 'GB' };
    const created = await newCustomer({ shippingAddress: address });

    const { customers } = await call<{ customers: CustomerView[] }>(customerRpc.getMany, { customerIds: [created.customerId, randomUUID()] });

    expect(customers).toEqual([{ ...created, status: 'ACTIVE', shippingAddress: { ...address, line1: '12 Analytical Row' } }]);
  });

  it('when the email is taken (in any case), then creation is refused with 409', async () => {
    const email = `grace-${randomUUID()}@example.com`;
    await newCustomer({ email });

    await expect(newCustomer({ email: email.toUpperCase() })).rejects.toMatchObject({ status: 409, code: 'email-taken' });
  });

  it('when a customer is deactivated, then lookups report INACTIVE', async () => {
    const { customerId } = await newCustomer();

    await call(customerRpc.update, { customerId, status: 'INACTIVE' });
    const { customers } = await call<{ customers: CustomerView[] }>(customerRpc.getMany, { customerIds: [customerId] });

    expect(customers[0].status).toBe('INACTIVE');
  });

  it('when an unknown customer is updated, then the reply is 404', async () => {
    await expect(call(customerRpc.update, { customerId: randomUUID(), name: 'Nobody' })).rejects.toMatchObject({ status: 404 });
  });

  it('when the input is not valid, then the reply is 400 naming the field and nothing is stored', async () => {
    const name = `Invalid ${randomUUID()}`;
    const db = new Client({ connectionString: testEnv('customer-service').DATABASE_URL });
    await db.connect();
    try {
      const count = async () => (await db.query('SELECT count(*)::int AS n FROM customers WHERE name = $1', [name])).rows[0].n;
      await expect(newCustomer({ name, email: 'not-an-email' })).rejects.toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'email' })] });
      expect(await count()).toBe(0);
      // The same customer with a valid email is stored: the count above would have seen it.
      await newCustomer({ name });
      expect(await count()).toBe(1);
    } finally {
      await db.end();
    }
  });
});

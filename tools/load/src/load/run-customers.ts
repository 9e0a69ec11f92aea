import type { Pool } from 'undici';
import { requestJson } from './http-client';
import { mintToken } from './tokens';

export interface RunCustomer {
  customerId: string;
  token: string;
}

/**
 * Fresh customers for each run, created through the admin API. Nothing else orders for them, so
 * every order row of these customers belongs to this run: that is what makes "duplicated"
 * countable on a database other people use at the same time.
 */
export async function createRunCustomers(pool: Pool, runId: string, count: number, concurrency = 16): Promise<RunCustomer[]> {
  const admin = await mintToken('00000000-0000-4000-8000-00000000ad01', 'admin', 3600);
  const customers: RunCustomer[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const reply = await requestJson<{ customerId: string }>(pool, 'POST', '/v1/customers', admin, {
        name: `Load ${runId} ${i + 1}`,
        email: `load-${runId}-${i + 1}@example.com`,
        shippingAddress: { line1: `${i + 1} Load Street`, city: 'Berlin', postalCode: '10115', country: 'DE' },
      });
      if (reply.status !== 201) throw new Error(`creating a run customer failed: ${reply.status} ${JSON.stringify(reply.body)}`);
      customers[i] = { customerId: reply.body.customerId, token: await mintToken(reply.body.customerId, 'customer') };
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return customers;
}

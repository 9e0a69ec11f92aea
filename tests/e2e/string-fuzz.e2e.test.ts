import fc from 'fast-check';
import { Api, startPlatform, type RunningPlatform } from '@shop/test-kit';

// Every string field of every route, filled with arbitrary Unicode (control characters, lone
// surrogates and non-characters weighted in): never a 5xx, and every order the gateway accepts
// reaches a final state. FUZZ_SEED replays a run; the seed is printed either way.

const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const runs = Number(process.env.FUZZ_RUNS ?? 60);

let platform: RunningPlatform;
let admin: Api;
let customer: Api;
let customerId: string;
let productId: string;
const accepted: string[] = [];

beforeAll(async () => {
  process.stdout.write(`string fuzz: FUZZ_SEED=${seed} FUZZ_RUNS=${runs}\n`);
  platform = await startPlatform();
  admin = await Api.asAdmin(platform.gatewayUrl);
  customerId = await admin.createCustomer();
  customer = await Api.asCustomer(platform.gatewayUrl, customerId);
  productId = await admin.createProduct(100, 1_000_000);
}, 60_000);

afterAll(async () => {
  await platform?.stop();
});

const awkward = fc.constantFrom('\u0000', '\u0001', '\t', '\n', '\u007f', '\u0085', '\ud800', '\udfff', '\ufffe', '\uffff', '\u{10ffff}', '\u200b', '\u202e', 'é', '😀', 'a', ' ', '"', '\\', '%', '/');
/** Strings of any code unit, lone surrogates included, and short runs of awkward characters. */
const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: awkward, maxLength: 12 }), fc.string({ unit: 'binary-ascii', maxLength: 250 }));
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

/** Mostly a plain value, so that many orders are accepted and must then reach a final state. */
const field = (plain: string) => fc.oneof({ arbitrary: fc.constant(plain), weight: 4 }, { arbitrary: anyText, weight: 1 });
const addressArb = fc.record(
  { name: field('Jane Doe'), line1: field('1 Main Street'), line2: field('Flat 2'), city: field('Berlin'), postalCode: field('10115'), country: field('DE') },
  { requiredKeys: ['line1', 'city', 'postalCode', 'country'] },
);

/** Percent-encodes any string; a lone surrogate goes out as the bytes no UTF-8 decoder accepts. */
const percent = (value: string): string =>
  Array.from(value, (ch) => (ch.length === 1 && /[\ud800-\udfff]/.test(ch) ? '%ED%A0%80' : encodeURIComponent(ch))).join('');

const options = () => ({ seed, numRuns: runs, endOnFailure: true });

function expectNo5xx(reply: { status: number; body: unknown }, what: string): void {
  if (reply.status >= 500) throw new Error(`${what} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
}

/** Sends the request unless fetch itself refuses it (a header value that HTTP cannot carry). */
async function send(work: () => Promise<{ status: number; body: any }>, what: string) {
  let reply;
  try {
    reply = await work();
  } catch (err) {
    // undici refuses header values HTTP cannot carry before anything is sent.
    if ((err as Error).name === 'TypeError' || (err as { code?: string }).code === 'UND_ERR_INVALID_ARG') return undefined;
    throw err;
  }
  expectNo5xx(reply, what);
  return reply;
}

describe('arbitrary Unicode in every string field', () => {
  it('when orders are placed or validated with arbitrary text, then no answer is a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(addressArb, fc.oneof({ arbitrary: fc.constant(productId), weight: 4 }, { arbitrary: anyText, weight: 1 }), maybe(fc.string({ unit: 'binary-ascii', maxLength: 210 })), async (shippingAddress, product, key) => {
        const body = { items: [{ productId: product, quantity: 1 }], shippingAddress };
        const headers: Record<string, string> = key === undefined ? {} : { 'idempotency-key': key };
        const placed = await send(() => customer.post('/v1/orders', body, headers), 'POST /v1/orders');
        if (placed?.status === 202) accepted.push(placed.body.orderId);
        await send(() => customer.post('/v1/orders/validate', body, headers), 'POST /v1/orders/validate');
      }),
      options(),
    );
  });

  it('when reads take arbitrary ids, cursors and filters, then no answer is a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, anyText, anyText, async (id, cursor, status) => {
        const path = percent(id);
        const query = `cursor=${percent(cursor)}&status=${percent(status)}&limit=${percent(status)}`;
        await send(() => customer.get(`/v1/orders/${path}`), 'GET /v1/orders/{id}');
        await send(() => customer.post(`/v1/orders/${path}/cancel`), 'POST /v1/orders/{id}/cancel');
        await send(() => customer.get(`/v1/orders?${query}`), 'GET /v1/orders');
        await send(() => customer.get(`/v1/orders?cursor=${percent(cursor)}`), 'GET /v1/orders?cursor');
        await send(() => admin.get(`/v1/products/${path}`), 'GET /v1/products/{id}');
        await send(() => admin.get(`/v1/products?cursor=${percent(cursor)}`), 'GET /v1/products?cursor');
      }),
      options(),
    );
  });

  it('when admins create and change customers and products with arbitrary text, then no answer is a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, anyText, addressArb, anyText, async (name, email, shippingAddress, status) => {
        await send(() => admin.post('/v1/customers', { name, email, shippingAddress }), 'POST /v1/customers');
        await send(() => admin.post('/v1/customers', { name, email: `${percent(name).slice(0, 20)}@example.com` }), 'POST /v1/customers');
        await send(() => admin.patch(`/v1/customers/${customerId}`, { name, status, shippingAddress }), 'PATCH /v1/customers/{id}');
        await send(() => admin.patch(`/v1/customers/${customerId}`, { name }), 'PATCH /v1/customers/{id}');
        await send(() => admin.post('/v1/products', { name, price: 100, stock: 1 }), 'POST /v1/products');
        await send(() => admin.post('/v1/products', { name: 'p', price: name, stock: status }), 'POST /v1/products');
        await send(() => admin.patch(`/v1/products/${productId}`, { price: name }), 'PATCH /v1/products/{id}');
      }),
      options(),
    );
    // The customer ordering in the other tests must stay able to order.
    expect((await admin.patch(`/v1/customers/${customerId}`, { status: 'ACTIVE' })).status).toBe(200);
  });

  it('when the fuzzing is over, then every order the gateway accepted has reached a final state', async () => {
    expect(accepted.length).toBeGreaterThan(0);
    for (const orderId of accepted) {
      const order = await customer.settledOrder(orderId, 20_000);
      expect(['CONFIRMED', 'REJECTED']).toContain(order.status);
    }
  });
});

import { randomUUID } from 'node:crypto';
import { openApiPath, problemSchema } from '@shop/platform';
import { Api, openApiChecker, startPlatform, type Reply, type RunningPlatform } from '@shop/test-kit';
import { gatewayOperations } from '../../services/api-gateway/src/entry-points/http/openapi/gateway.openapi';

/**
 * Real answers of the four services, through the gateway, against the published document and the
 * joi schemas it was built from: each status must be listed for its operation, each body must
 * fit its schema (a problem's code among those listed for that status), each header its schema.
 * Every operation must have been seen succeeding at least once.
 */
let platform: RunningPlatform;
let admin: Api;
let anonymous: Api;
let checker: ReturnType<typeof openApiChecker>;
const succeeded = new Set<string>();

beforeAll(async () => {
  platform = await startPlatform();
  admin = await Api.asAdmin(platform.gatewayUrl);
  anonymous = new Api(platform.gatewayUrl);
  checker = openApiChecker((await anonymous.get('/openapi.json')).body);
}, 60_000);

afterAll(async () => {
  await platform?.stop();
});

/** Checks one answer and returns it. */
function conforms<T = any>(method: string, path: string, reply: Reply<T>): Reply<T> {
  const m = method.toLowerCase();
  const template = checker.templateOf(m, path);
  const where = `${method} ${template} ${reply.status}`;
  expect({ where, problems: checker.answerErrors(m, path, reply) }).toEqual({ where, problems: [] });

  const op = gatewayOperations.find((o) => o.method === m && openApiPath(o.path) === template)!;
  const json = /json/.test(reply.headers.get('content-type') ?? '');
  const declared = op.responses[reply.status]?.body;
  // convert: false, so the stored forms are checked too (trimmed, lower-case ids, upper-case countries).
  if (declared && json) expect({ where, error: declared.validate(reply.body, { convert: false, abortEarly: false }).error?.message }).toEqual({ where, error: undefined });
  if (op.problems[reply.status]) {
    expect({ where, error: problemSchema.validate(reply.body, { convert: false }).error?.message }).toEqual({ where, error: undefined });
    expect(op.problems[reply.status]).toContain((reply.body as { code: string }).code);
  }
  if (reply.status < 300) succeeded.add(`${method} ${template}`);
  return reply;
}

const call = async <T = any>(api: Api, method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  conforms<T>(method, path, await api.request<T>(method, path, body, headers));

describe('the gateway answers as its OpenAPI document says', () => {
  it('when customers, products and orders go through their lives, then every answer conforms', async () => {
    const email = `conformance-${randomUUID().slice(0, 8)}@example.com`;
    const address = { line1: '1 Test Street', city: 'Berlin', postalCode: '10115', country: 'DE' };
    const created = await call(admin, 'POST', '/v1/customers', { name: 'Conformance', email, shippingAddress: address });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/v1/customers/${created.body.customerId}`);
    expect((await call(admin, 'POST', '/v1/customers', { name: 'Again', email })).status).toBe(409);
    expect((await call(admin, 'PATCH', `/v1/customers/${created.body.customerId}`, { name: 'Conformance Customer', shippingAddress: null })).status).toBe(200);
    expect((await call(admin, 'PATCH', `/v1/customers/${randomUUID()}`, { name: 'Nobody' })).status).toBe(404);
    const customer = await Api.asCustomer(platform.gatewayUrl, created.body.customerId);
    expect((await call(customer, 'GET', '/v1/customers/me')).body.customerId).toBe(created.body.customerId);
    expect((await call(admin, 'GET', '/v1/customers/me')).status).toBe(404);

    const product = await call(admin, 'POST', '/v1/products', { name: 'Conformance lamp', price: 1250, stock: 5 });
    expect(product.status).toBe(201);
    const productId = product.body.productId as string;
    expect((await call(admin, 'PATCH', `/v1/products/${productId}`, { price: 1300 })).status).toBe(200);
    expect((await call(anonymous, 'GET', `/v1/products/${productId}`)).body).toMatchObject({ price: 1300, available: 5 });
    expect((await call(anonymous, 'GET', `/v1/products/${randomUUID()}`)).status).toBe(404);
    expect((await call(anonymous, 'GET', '/v1/products?limit=2')).body.items).toHaveLength(2);
    expect((await call(customer, 'POST', '/v1/products', { name: 'x', price: 1, stock: 1 })).status).toBe(403);

    const order = { items: [{ productId, quantity: 3 }], shippingAddress: { ...address, line1: ' 1 Test Street ' } };
    expect((await call(customer, 'POST', '/v1/orders/validate', order)).body).toEqual({ valid: true });
    const key = randomUUID();
    const placed = await call(customer, 'POST', '/v1/orders', order, { 'idempotency-key': key });
    expect(placed.status).toBe(202);
    expect(placed.headers.get('location')).toBe(`/v1/orders/${placed.body.orderId}`);
    expect(placed.headers.get('retry-after')).toBe('1');
    expect((await call(customer, 'POST', '/v1/orders', { items: [{ productId, quantity: 1 }] }, { 'idempotency-key': key })).status).toBe(422);
    await call(customer, 'GET', `/v1/orders/${placed.body.orderId}`);
    await customer.settledOrder(placed.body.orderId);
    const confirmed = await call(customer, 'GET', `/v1/orders/${placed.body.orderId}`);
    expect(confirmed.body).toMatchObject({ status: 'CONFIRMED', total: 3 * 1300, shippingAddress: { country: 'DE' } });
    expect((await call(admin, 'PATCH', `/v1/products/${productId}`, { stock: 1 })).status).toBe(409);

    const tooMany = await call(customer, 'POST', '/v1/orders', { items: [{ productId, quantity: 3 }] });
    await customer.settledOrder(tooMany.body.orderId);
    expect((await call(customer, 'GET', `/v1/orders/${tooMany.body.orderId}`)).body).toMatchObject({ status: 'REJECTED', rejectionReason: { code: 'OUT_OF_STOCK' } });

    const page = await call(customer, 'GET', '/v1/orders?limit=1');
    expect(page.body.items).toHaveLength(1);
    expect((await call(customer, 'GET', `/v1/orders?limit=1&cursor=${page.body.nextCursor}`)).body.items).toHaveLength(1);
    expect((await call(customer, 'GET', '/v1/orders?cursor=bm90LWEta2V5')).status).toBe(400);
    expect((await call(customer, 'POST', `/v1/orders/${placed.body.orderId}/cancel`)).body.status).toBe('CANCELLED');
    expect((await call(customer, 'POST', `/v1/orders/${placed.body.orderId}/cancel`)).status).toBe(409);
    expect((await call(customer, 'GET', `/v1/orders/${randomUUID()}`)).status).toBe(404);
  });

  it('when requests are refused before any service is asked, then the problems conform', async () => {
    const customer = await Api.asCustomer(platform.gatewayUrl, randomUUID());
    const cases: Array<[Api, string, string, unknown, Record<string, string>, number]> = [
      [anonymous, 'POST', '/v1/orders', { items: [] }, {}, 401],
      [customer, 'POST', '/v1/orders', { items: [{ productId: randomUUID(), quantity: '1' }] }, {}, 400],
      [customer, 'POST', '/v1/orders', '{"items": [', {}, 400],
      [customer, 'POST', '/v1/orders', 'items=1', { 'content-type': 'text/plain' }, 415],
      [customer, 'POST', '/v1/orders', { items: [], padding: 'x'.repeat(17_000) }, {}, 413],
      [customer, 'POST', '/v1/orders/validate', { items: [] }, { 'idempotency-key': 'two words' }, 400],
      [customer, 'GET', '/v1/orders?limit=010', undefined, {}, 400],
      [anonymous, 'GET', '/v1/products?offset=1', undefined, {}, 400],
      [customer, 'PATCH', `/v1/customers/${randomUUID()}`, { name: 'x' }, {}, 403],
      [customer, 'GET', '/v1/orders/%E0%A4%A', undefined, {}, 400],
    ];
    for (const [api, method, path, body, headers, status] of cases) expect((await call(api, method, path, body, headers)).status).toBe(status);
  });

  it('when the service routes are called, then they conform too', async () => {
    expect((await call(anonymous, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await call(anonymous, 'GET', '/readyz')).body).toEqual({ status: 'ready' });
    expect((await call(anonymous, 'GET', '/metrics')).status).toBe(200);
    expect((await call(anonymous, 'GET', '/openapi.json')).body.openapi).toBe('3.1.0');
    expect((await call(anonymous, 'GET', '/docs')).status).toBe(200);
    expect((await call(anonymous, 'GET', '/docs/swagger-ui.css')).status).toBe(200);
    expect((await call(anonymous, 'GET', '/docs/swagger-ui-bundle.js')).status).toBe(200);
    expect((await call(anonymous, 'GET', '/docs/index.html')).status).toBe(404);
  });

  it('when all answers are in, then every documented operation has been seen succeeding', () => {
    const documented = gatewayOperations.map((o) => `${o.method.toUpperCase()} ${openApiPath(o.path)}`);

    expect([...succeeded].sort()).toEqual(documented.sort());
  });
});

import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Express } from 'express';
import { newId } from '@shop/contracts';
import { buildOpenApiDocument, openApiPath } from '@shop/platform';
import { openApiChecker } from '@shop/test-kit';
import { gatewayOpenApi, gatewayOperations, gatewaySpec } from '../src/entry-points/http/openapi/gateway.openapi';
import { validate } from '../src/entry-points/http/validate';
import { startTestGateway, waitUntilReady } from './gateway.harness';

const root = path.resolve(__dirname, '..', '..', '..');
const reports = path.join(root, 'reports');

interface Layer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/** Every METHOD /path the Express app registers, walking nested routers (and their mount paths). */
function registeredRoutes(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        if (typeof layer.route.path !== 'string') throw new Error(`a route path that is no string: ${String(layer.route.path)}`);
        for (const method of Object.keys(layer.route.methods)) found.push(`${method.toUpperCase()} ${prefix}${layer.route.path}`);
      } else if (layer.handle.stack) {
        if (typeof layer.rawPath !== 'string') throw new Error('a router mounted on a path that is no string');
        walk(layer.handle.stack, layer.rawPath === '/' ? prefix : `${prefix}${layer.rawPath}`);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return found;
}

describe('the OpenAPI document', () => {
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let served: { status: number; type: string; body: any };

  beforeAll(async () => {
    gateway = await startTestGateway();
    await waitUntilReady(gateway.http);
    const res = await gateway.http.get('/openapi.json');
    served = { status: res.status, type: res.headers['content-type'], body: res.body };
  });
  afterAll(async () => {
    await gateway.stop();
  });

  test('when /openapi.json is asked for without a token, then 200 JSON: an OpenAPI 3.1 document built from the current schemas', () => {
    expect(served.status).toBe(200);
    expect(served.type).toMatch(/^application\/json/);
    expect(served.body.openapi).toBe('3.1.0');
    expect(served.body).toEqual(JSON.parse(JSON.stringify(gatewayOpenApi())));
  });

  test('when redocly lints the served document, then it reports no error and no warning', () => {
    mkdirSync(reports, { recursive: true });
    const file = path.join(reports, 'openapi.json');
    writeFileSync(file, `${JSON.stringify(served.body, null, 2)}\n`);

    const lint = spawnSync(
      path.join(root, 'node_modules', '.bin', 'redocly'),
      ['lint', file, '--config', path.join(root, 'services', 'api-gateway', 'redocly.yaml'), '--format=json'],
      // No telemetry and no update check: the linter must not reach out, and could not.
      { cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' } },
    );
    const report = JSON.parse(lint.stdout.slice(lint.stdout.indexOf('{'))) as { totals: { errors: number; warnings: number }; problems: Array<{ ruleId: string; message: string }> };

    expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    expect(lint.status).toBe(0);
  });

  test('when the routes Express registers are compared with the document, then none is undocumented and none documented is missing', () => {
    const registered = registeredRoutes(gateway.app).map((route) => route.replace(/ (.*)$/, (_m, p: string) => ` ${openApiPath(p)}`));
    const documented = Object.entries(served.body.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));

    expect(registered.length).toBeGreaterThan(10);
    expect([...new Set(registered)].sort()).toEqual([...documented].sort());
    expect(registered.length).toBe(new Set(registered).size);
  });

  test('when an API operation is documented, then it lists its client errors, a 500, and a bearer token wherever it names roles', () => {
    for (const op of gatewayOperations.filter((o) => o.path.startsWith('/v1/'))) {
      const doc = served.body.paths[openApiPath(op.path)][op.method];
      const statuses = Object.keys(doc.responses).map(Number);
      expect({ op: op.operationId, clientError: statuses.some((s) => s >= 400 && s < 500), serverError: statuses.includes(500) }).toEqual({ op: op.operationId, clientError: true, serverError: true });
      expect({ op: op.operationId, security: doc.security }).toEqual({ op: op.operationId, security: op.roles ? [{ bearerAuth: [] }] : [] });
    }
  });

  test('when an answer creates or returns something, then its links lead to what a client does next with it', () => {
    const linksOf = (path: string, method: string, status: string) =>
      Object.fromEntries(Object.entries(served.body.paths[path][method].responses[status].links ?? {}).map(([name, link]: [string, any]) => [name, link.parameters ?? link.requestBody]));

    expect(linksOf('/v1/orders', 'post', '202')).toEqual({ getOrder: { id: '$response.body#/orderId' }, cancelOrder: { id: '$response.body#/orderId' } });
    expect(linksOf('/v1/orders/{id}', 'get', '200')).toEqual({ cancelOrder: { id: '$response.body#/orderId' } });
    expect(linksOf('/v1/orders/{id}/cancel', 'post', '200')).toEqual({ getOrder: { id: '$response.body#/orderId' } });
    expect(linksOf('/v1/products', 'post', '201')).toEqual({
      getProduct: { id: '$response.body#/productId' },
      updateProduct: { id: '$response.body#/productId' },
      placeOrder: { items: [{ productId: '$response.body#/productId', quantity: 1 }] },
    });
    expect(linksOf('/v1/customers', 'post', '201')).toEqual({ updateCustomer: { id: '$response.body#/customerId' } });
  });

  test('when a link names an operation or a parameter that does not exist, then no document is built', () => {
    const [placeOrder, getOrder] = ['placeOrder', 'getOrder'].map((id) => gatewayOperations.find((o) => o.operationId === id)!);
    const withLink = (link: object) => ({ ...placeOrder, responses: { 202: { ...placeOrder.responses[202], links: { next: { description: 'x', ...link } as never } } } });
    const getOrderAlone = { ...getOrder, responses: { 200: { ...getOrder.responses[200], links: undefined } } };
    const build = (op: typeof placeOrder) => buildOpenApiDocument({ ...gatewaySpec(), operations: [op, getOrderAlone] });

    expect(() => build(withLink({ operationId: 'getOrder', parameters: { id: '$response.body#/orderId' } }))).not.toThrow();
    expect(() => build(withLink({ operationId: 'nothing' }))).toThrow(/names no operation nothing/);
    expect(() => build(withLink({ operationId: 'getOrder', parameters: { orderId: '$response.body#/orderId' } }))).toThrow(/no path parameter for/);
  });

  describe('when a body is judged by the gateway and by the published schema', () => {
    let checker: ReturnType<typeof openApiChecker>;
    beforeAll(() => {
      checker = openApiChecker(served.body);
    });
    const productId = newId();
    const line = { productId, quantity: 1 };
    const address = { line1: '1 Test Street', city: 'Berlin', postalCode: '10115', country: 'DE' };
    const cases: Array<[string, string, string, unknown, boolean]> = [
      ['a valid order', 'post', '/v1/orders', { items: [line], shippingAddress: address }, true],
      ['an order without address', 'post', '/v1/orders', { items: [line] }, true],
      ['a quantity as a string', 'post', '/v1/orders', { items: [{ productId, quantity: '2' }] }, false],
      ['a fractional quantity', 'post', '/v1/orders', { items: [{ productId, quantity: 1.5 }] }, false],
      ['a quantity of 1001', 'post', '/v1/orders', { items: [{ productId, quantity: 1001 }] }, false],
      ['a postal code as a number', 'post', '/v1/orders', { items: [line], shippingAddress: { ...address, postalCode: 10115 } }, false],
      ['an address as a JSON string', 'post', '/v1/orders', { items: [line], shippingAddress: JSON.stringify(address) }, false],
      ['an unknown key', 'post', '/v1/orders', { items: [line], coupon: 'FREE' }, false],
      ['no items', 'post', '/v1/orders', { items: [] }, false],
      ['a product id that is no uuid', 'post', '/v1/orders', { items: [{ productId: 'sku-1', quantity: 1 }] }, false],
      ['a UUIDv1 product id', 'post', '/v1/orders', { items: [{ productId: 'c232ab00-9414-11ec-b3c8-9e6bdeced846', quantity: 1 }] }, false],
      ['an empty city', 'post', '/v1/orders', { items: [line], shippingAddress: { ...address, city: '' } }, false],
      ['an empty line2', 'post', '/v1/orders', { items: [line], shippingAddress: { ...address, line2: '' } }, true],
      ['a line break in a name', 'post', '/v1/orders', { items: [line], shippingAddress: { ...address, name: 'a\nb' } }, false],
      ['a valid product', 'post', '/v1/products', { name: 'Lamp', price: 1000, stock: 5 }, true],
      ['a price as a string', 'post', '/v1/products', { name: 'Lamp', price: '1000', stock: 5 }, false],
      ['a name as a number', 'post', '/v1/products', { name: 42, price: 1000, stock: 5 }, false],
      ['a price change', 'patch', `/v1/products/${productId}`, { price: 5 }, true],
      ['an empty change', 'patch', `/v1/products/${productId}`, {}, false],
      ['a change naming the product', 'patch', `/v1/products/${productId}`, { productId, price: 5 }, false],
      ['a valid customer', 'post', '/v1/customers', { name: 'Ada', email: 'ada@example.com' }, true],
      ['a bad email', 'post', '/v1/customers', { name: 'Ada', email: 'not-an-email' }, false],
      ['removing the address', 'patch', `/v1/customers/${productId}`, { shippingAddress: null }, true],
      ['an unknown status', 'patch', `/v1/customers/${productId}`, { status: 'DELETED' }, false],
    ];

    test.each(cases)('%s (%s %s), then both say the same', (_name, method, route, body, valid) => {
      const op = gatewayOperations.find((o) => o.method === method && checker.templateOf(method, route) === openApiPath(o.path))!;
      const joiVerdict = (() => {
        try {
          validate(op.body!, body);
          return true;
        } catch {
          return false;
        }
      })();

      expect({ joi: joiVerdict, document: checker.requestBodyErrors(method, route, body).length === 0 }).toEqual({ joi: valid, document: valid });
    });

    // joi trims and folds case before its rules run; the gateway checks the values as sent, so
    // nothing the document refuses is taken for its stored form (the schemathesis run found these).
    test.each([
      ['a lower-case country', { ...address, country: 'de' }],
      ['a country with spaces around it', { ...address, country: ' DE ' }],
      ['a line with a tab at its end', { ...address, line1: '1 Main Street\t' }],
      ['a city with a line break before it', { ...address, city: '\nBerlin' }],
      ['a city over its length with spaces around it', { ...address, city: ` ${'x'.repeat(100)} ` }],
    ])('%s, then the gateway and the document both refuse it', (_name, shippingAddress) => {
      const body = { items: [line], shippingAddress };

      expect(() => validate(gatewayOperations[0].body!, body)).toThrow();
      expect(checker.requestBodyErrors('post', '/v1/orders', body)).not.toEqual([]);
    });

    it('when text has spaces around it, then both take it and the gateway stores it trimmed', () => {
      const body = { items: [line], shippingAddress: { ...address, city: ` ${'x'.repeat(98)} ` } };

      expect(validate<{ shippingAddress: { city: string } }>(gatewayOperations[0].body!, body).shippingAddress.city).toBe('x'.repeat(98));
      expect(checker.requestBodyErrors('post', '/v1/orders', body)).toEqual([]);
    });
  });
});

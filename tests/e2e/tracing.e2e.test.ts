import { Api, eventually, findTraces, getTrace, startJaeger, startPlatform, tagOf, type JaegerSpan, type JaegerTrace, type RunningJaeger, type RunningPlatform } from '@shop/test-kit';

// One order followed through every service: the four services export their spans over OTLP to a
// real Jaeger, and the traces are read back through Jaeger's query API.

let jaeger: RunningJaeger;
let platform: RunningPlatform;
let admin: Api;

beforeAll(async () => {
  jaeger = await startJaeger();
  platform = await startPlatform({
    env: { '*': { OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpEndpoint, OTEL_TRACES_SAMPLER: 'always_on', OTEL_BSP_SCHEDULE_DELAY: '100' } },
  });
  admin = await Api.asAdmin(platform.gatewayUrl);
}, 20 * 60_000); // a cold machine builds Jaeger first (cached afterwards)

afterAll(async () => {
  await platform?.stop();
  await jaeger?.stop();
});

const serviceOf = (t: JaegerTrace, span: JaegerSpan) => t.processes[span.processID].serviceName;
const parentOf = (span: JaegerSpan) => span.references.find((r) => r.refType === 'CHILD_OF' && r.traceID === span.traceID)?.spanID;
const isError = (span: JaegerSpan) => tagOf(span, 'otel.status_code') === 'ERROR' || tagOf(span, 'error') === true;
const spansOf = (t: JaegerTrace, operation: string, service?: string) =>
  t.spans.filter((s) => s.operationName === operation && (service === undefined || serviceOf(t, s) === service));

/** The span's ancestors up to the root of its trace. */
function ancestry(t: JaegerTrace, span: JaegerSpan): JaegerSpan[] {
  const byId = new Map(t.spans.map((s) => [s.spanID, s]));
  const chain: JaegerSpan[] = [];
  for (let at = parentOf(span); at !== undefined; at = parentOf(byId.get(at)!)) {
    const parent = byId.get(at);
    if (!parent) throw new Error(`span ${span.operationName} has a parent ${at} missing from the trace`);
    chain.push(parent);
  }
  return chain;
}

/** The whole trace in which the gateway handled this request for the order, once `complete` holds. */
async function traceOf(orderId: string, operation: string, complete: (t: JaegerTrace) => boolean): Promise<JaegerTrace> {
  const found = await eventually(
    async () => {
      const traces = await findTraces(jaeger.queryUrl, 'api-gateway', { 'order.id': orderId });
      const entries = traces.filter((t) => t.spans.some((s) => s.operationName.startsWith(operation) && serviceOf(t, s) === 'api-gateway' && tagOf(s, 'span.kind') === 'server'));
      // The search returns what it has so far; the whole trace comes from its own endpoint.
      for (const entry of entries) {
        const whole = await getTrace(jaeger.queryUrl, entry.traceID);
        if (!whole || !complete(whole)) continue;
        // Each service exports on its own schedule (every 100 ms here), a parent span after its
        // children: read once more after a few rounds of it, for what the last batches still carried.
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const again = await getTrace(jaeger.queryUrl, entry.traceID);
        return again && complete(again) ? again : whole;
      }
      return undefined;
    },
    (t) => t !== undefined,
    45_000,
  );
  if (!found || !complete(found)) throw new Error(`no complete ${operation} trace for order ${orderId} in Jaeger: ${JSON.stringify(found?.spans.map((s) => s.operationName))}`);
  return found;
}

describe('tracing through RabbitMQ into Jaeger', () => {
  it('when an order is placed, then one trace runs from the gateway HTTP span through all four services to the relayed order.confirmed event, with order.id on its spans', async () => {
    const customer = await Api.asCustomer(platform.gatewayUrl, await admin.createCustomer());
    const product = await admin.createProduct(250, 5);
    const { body } = await customer.post('/v1/orders', { items: [{ productId: product, quantity: 1 }] });
    expect((await customer.settledOrder(body.orderId)).status).toBe('CONFIRMED');

    const sentEvent = (t: JaegerTrace) => spansOf(t, 'send platform.events', 'order-management').length > 0;
    // Each service exports on its own schedule, a server span after its database spans: the trace
    // is whole once the last span of each service is in (the gateway's found it).
    const services = ['api-gateway', 'order-management', 'customer-service', 'inventory-service'];
    const lastOfEach = (t: JaegerTrace) =>
      sentEvent(t) && [['place order', 'order-management'], ['customer.get-many', 'customer-service'], ['inventory.reserve', 'inventory-service']].every(([op, service]) => spansOf(t, op, service).length > 0);
    const t = await traceOf(body.orderId, 'POST', lastOfEach);

    expect(new Set(t.spans.map((s) => serviceOf(t, s)))).toEqual(new Set(services));
    const [http] = t.spans.filter((s) => serviceOf(t, s) === 'api-gateway' && tagOf(s, 'span.kind') === 'server' && s.operationName.startsWith('POST'));
    expect(parentOf(http)).toBeUndefined();
    expect(tagOf(http, 'order.id')).toBe(body.orderId);
    expect(http.operationName).toBe('POST /v1/orders');
    expect([tagOf(http, 'http.route'), tagOf(http, 'http.request.method'), tagOf(http, 'http.response.status_code')]).toEqual(['/v1/orders', 'POST', 202]);

    // The command's send span, under the request; the order's saga, under the send.
    const [send] = spansOf(t, 'send platform.commands', 'api-gateway');
    expect(ancestry(t, send)).toContain(http);
    expect(tagOf(send, 'messaging.system')).toBe('rabbitmq');
    expect(tagOf(send, 'messaging.destination.name')).toBe('platform.commands');
    expect(tagOf(send, 'messaging.operation.type')).toBe('send');
    const [placeOrder] = spansOf(t, 'place order', 'order-management');
    expect(tagOf(placeOrder, 'order.id')).toBe(body.orderId);
    expect(ancestry(t, placeOrder)).toContain(http);

    // Every saga step is the order's own, and the RPC servers answered in this trace.
    for (const step of ['record pending', 'check customers', 'reserve stock', 'decide and commit']) {
      const mine = spansOf(t, step, 'order-management').filter((s) => tagOf(s, 'order.id') === body.orderId);
      expect({ step, spans: mine.length }).toEqual({ step, spans: 1 });
      expect(parentOf(mine[0])).toBe(placeOrder.spanID);
      expect(isError(mine[0])).toBe(false);
    }
    expect(spansOf(t, 'customer.get-many', 'customer-service').map((s) => tagOf(s, 'span.kind'))).toEqual(['server']);
    expect(spansOf(t, 'inventory.reserve', 'inventory-service').map((s) => tagOf(s, 'span.kind'))).toEqual(['server']);
    expect(t.spans.some((s) => serviceOf(t, s) === 'inventory-service' && tagOf(s, 'db.system') === 'postgresql')).toBe(true);

    // The outbox row kept the order's context: the relayed event continues the trace.
    const [event] = spansOf(t, 'send platform.events', 'order-management');
    expect(tagOf(event, 'order.id')).toBe(body.orderId);
    expect(tagOf(event, 'messaging.rabbitmq.destination.routing_key')).toBe('order.confirmed');
    expect(parentOf(event)).toBe(placeOrder.spanID);
  });

  it('when an order is rejected, then its decisive span is ERROR with the reason', async () => {
    const customer = await Api.asCustomer(platform.gatewayUrl, await admin.createCustomer());
    const product = await admin.createProduct(250, 1);
    const { body } = await customer.post('/v1/orders', { items: [{ productId: product, quantity: 2 }] });
    expect((await customer.settledOrder(body.orderId)).status).toBe('REJECTED');

    const t = await traceOf(body.orderId, 'POST', (found) => spansOf(found, 'send platform.events').length > 0);
    const [decisive] = spansOf(t, 'decide and commit', 'order-management').filter((s) => tagOf(s, 'order.id') === body.orderId);
    expect(isError(decisive)).toBe(true);
    expect(String(tagOf(decisive, 'otel.status_description'))).toContain('OUT_OF_STOCK');
    const [placeOrder] = spansOf(t, 'place order', 'order-management');
    expect(isError(placeOrder)).toBe(false);
  });

  it('when orders arrive together, then the batch is processed in one span that links to each order, and each order still has its own trace', async () => {
    const customer = await Api.asCustomer(platform.gatewayUrl, await admin.createCustomer());
    const product = await admin.createProduct(100, 50);
    const replies = await Promise.all(Array.from({ length: 6 }, () => customer.post('/v1/orders', { items: [{ productId: product, quantity: 1 }] })));
    const ids: string[] = replies.map((r) => r.body.orderId);
    for (const id of ids) expect((await customer.settledOrder(id)).status).toBe('CONFIRMED');

    const batchesHolding: number[] = [];
    for (const id of ids) {
      const t = await traceOf(id, 'POST', (found) => spansOf(found, 'send platform.events').length > 0);
      const [placeOrder] = spansOf(t, 'place order', 'order-management');
      expect(tagOf(placeOrder, 'order.id')).toBe(id);
      expect(ancestry(t, placeOrder).some((s) => serviceOf(t, s) === 'api-gateway')).toBe(true);
      // The order's span links the batch's process span (in the batch's trace when it held several
      // messages), and that span links back to the order's accepting request.
      const [link] = placeOrder.references.filter((r) => r.refType === 'FOLLOWS_FROM');
      const batchTrace = link.traceID === t.traceID ? t : (await getTrace(jaeger.queryUrl, link.traceID))!;
      const processSpan = batchTrace.spans.find((s) => s.spanID === link.spanID)!;
      expect(processSpan.operationName).toBe('process order-management.place-order');
      expect(tagOf(processSpan, 'messaging.destination.name')).toBe('order-management.place-order');
      const gatewaySpans = new Set(t.spans.filter((s) => serviceOf(t, s) === 'api-gateway').map((s) => s.spanID));
      const backToOrder = processSpan.references.some((r) => r.traceID === t.traceID && gatewaySpans.has(r.spanID));
      expect(backToOrder).toBe(true);
      batchesHolding.push(processSpan.references.filter((r) => r.refType === 'FOLLOWS_FROM').length);
    }
    // Sent at once, some orders shared a message or a batch: a process span linked more than one.
    expect(Math.max(...batchesHolding)).toBeGreaterThan(1);
  });

  it('when an order is cancelled, then the cancel request trace reaches order-management, the relayed order.cancelled event and inventory releasing the stock', async () => {
    const customer = await Api.asCustomer(platform.gatewayUrl, await admin.createCustomer());
    const product = await admin.createProduct(250, 3);
    const { body } = await customer.post('/v1/orders', { items: [{ productId: product, quantity: 2 }] });
    expect((await customer.settledOrder(body.orderId)).status).toBe('CONFIRMED');
    const cancelled = await customer.post(`/v1/orders/${body.orderId}/cancel`, {});
    expect(cancelled.body.status).toBe('CANCELLED');
    expect(await eventually(() => admin.available(product), (n) => n === 3)).toBe(3);

    const released = (t: JaegerTrace) => spansOf(t, 'release stock', 'inventory-service').length > 0;
    const t = await traceOf(body.orderId, 'POST /v1/orders/:id/cancel', released);
    const [http] = t.spans.filter((s) => serviceOf(t, s) === 'api-gateway' && tagOf(s, 'span.kind') === 'server');
    expect(tagOf(http, 'order.id')).toBe(body.orderId);
    const [server] = spansOf(t, 'order.cancel', 'order-management');
    expect(ancestry(t, server)).toContain(http);
    const [event] = spansOf(t, 'send platform.events', 'order-management');
    expect(tagOf(event, 'messaging.rabbitmq.destination.routing_key')).toBe('order.cancelled');
    const [release] = spansOf(t, 'release stock', 'inventory-service');
    expect(tagOf(release, 'order.id')).toBe(body.orderId);
    expect(ancestry(t, release)).toContain(event);
  });
});

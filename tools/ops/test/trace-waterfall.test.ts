import type { JaegerSpan, JaegerTrace } from '../src/trace/jaeger-trace';
import { buildWaterfall, renderWaterfall } from '../src/trace/waterfall';

const ORDER = '5b0f6c1e-8f3a-4d7e-9c21-3f5a1b2c4d6e';
const T0 = 1_700_000_000_000_000;

function span(traceID: string, spanID: string, processID: string, operationName: string, startMs: number, durationMs: number, extra: Partial<JaegerSpan> = {}): JaegerSpan {
  return { traceID, spanID, processID, operationName, startTime: T0 + startMs * 1000, duration: durationMs * 1000, ...extra };
}
const childOf = (traceID: string, spanID: string) => ({ refType: 'CHILD_OF', traceID, spanID });
const link = (traceID: string, spanID: string) => ({ refType: 'FOLLOWS_FROM', traceID, spanID });
const orderTag = (id = ORDER) => [{ key: 'order.id', type: 'string', value: id }];

/** The order's own trace: the gateway accepts it and publishes the command. */
const orderTrace: JaegerTrace = {
  traceID: 'aaaa',
  processes: { p1: { serviceName: 'api-gateway' } },
  spans: [
    span('aaaa', 'a2', 'p1', 'place-order publish', 5, 2, { references: [childOf('aaaa', 'a1')], tags: orderTag() }),
    span('aaaa', 'a1', 'p1', 'POST /v1/orders', 0, 20, { tags: orderTag() }),
  ],
};
/** A consumer's batch in a trace of its own, linked to the order's publish; one child fails. */
const batchTrace: JaegerTrace = {
  traceID: 'bbbb',
  processes: { p1: { serviceName: 'inventory-service' }, p2: { serviceName: 'order-management' } },
  spans: [
    span('bbbb', 'b1', 'p2', 'place-order process', 30, 60, { references: [link('aaaa', 'a2'), link('cccc', 'c9')] }),
    span('bbbb', 'b3', 'p1', 'reserve stock', 50, 30, {
      references: [childOf('bbbb', 'b1')],
      tags: [
        { key: 'otel.status_code', type: 'string', value: 'ERROR' },
        { key: 'otel.status_description', type: 'string', value: 'out of stock' },
      ],
    }),
    span('bbbb', 'b2', 'p2', 'check credit', 35, 10, { references: [childOf('bbbb', 'b1')] }),
  ],
};

describe('the order waterfall', () => {
  it('when the order trace and a batch linking to it are found, then spans come depth-first with offsets from the first span', () => {
    const w = buildWaterfall(ORDER, [batchTrace, orderTrace]);

    expect(w.durationMs).toBe(90);
    expect(w.traces.map((t) => [t.traceId, t.role, t.offsetMs, t.durationMs])).toEqual([
      ['aaaa', 'carries the order', 0, 20],
      ['bbbb', 'links to the order', 30, 60],
    ]);
    expect(w.traces[1].spans.map((s) => [s.service, s.operation, s.depth, s.offsetMs, s.durationMs, s.status])).toEqual([
      ['order-management', 'place-order process', 0, 30, 60, 'OK'],
      ['order-management', 'check credit', 1, 35, 10, 'OK'],
      ['inventory-service', 'reserve stock', 1, 50, 30, 'ERROR'],
    ]);
    expect(w.traces[1].spans[2].statusMessage).toBe('out of stock');
    expect(w.traces[1].spans[0].links).toEqual([
      { traceId: 'aaaa', spanId: 'a2', target: 'api-gateway place-order publish' },
      { traceId: 'cccc', spanId: 'c9' },
    ]);
  });

  it('when the same trace comes back from two searches with its processes numbered differently, then each span appears once with its own service', () => {
    const renumbered: JaegerTrace = {
      ...batchTrace,
      processes: { p1: batchTrace.processes.p2, p2: batchTrace.processes.p1 },
      spans: batchTrace.spans.map((s) => ({ ...s, processID: s.processID === 'p1' ? 'p2' : 'p1' })),
    };
    const w = buildWaterfall(ORDER, [orderTrace, batchTrace, renumbered]);

    expect(w.traces[1].spans.map((s) => `${s.service} ${s.operation}`)).toEqual(['order-management place-order process', 'order-management check credit', 'inventory-service reserve stock']);
  });

  it('when a trace is only reached through a link of the order, then it is marked as linked from it; and a span whose parent is missing is a root', () => {
    const orderLinks: JaegerTrace = { ...orderTrace, spans: [...orderTrace.spans, span('aaaa', 'a3', 'p1', 'after', 21, 1, { references: [link('dddd', 'd2')], tags: orderTag() })] };
    const later: JaegerTrace = { traceID: 'dddd', processes: { p1: { serviceName: 'customer-service' } }, spans: [span('dddd', 'd2', 'p1', 'orphan', 40, 1, { references: [childOf('dddd', 'd1')] })] };
    const w = buildWaterfall(ORDER, [orderLinks, later]);

    expect(w.traces.map((t) => t.role)).toEqual(['carries the order', 'linked from the order']);
    expect(w.traces[1].spans[0]).toMatchObject({ depth: 0, parentSpanId: 'd1' });
  });

  it('when a span is marked with the error tag, then its status is ERROR; a span tagged with another order does not make its trace a carrier', () => {
    const other: JaegerTrace = { ...orderTrace, traceID: 'eeee', spans: [span('eeee', 'e1', 'p1', 'POST /v1/orders', 0, 3, { tags: [...orderTag('other'), { key: 'error', type: 'bool', value: true }] })] };
    const w = buildWaterfall(ORDER, [orderTrace, other]);

    expect(w.traces.find((t) => t.traceId === 'eeee')).toMatchObject({ role: 'linked from the order', spans: [{ status: 'ERROR' }] });
  });

  it('when a batch trace holds more spans than a call takes arguments, then it is still drawn', () => {
    const children = Array.from({ length: 200_000 }, (_, i) => span('ffff', `f${i + 1}`, 'p1', 'reserve line', 1 + i / 1000, 1, { references: [childOf('ffff', 'f0')] }));
    const big: JaegerTrace = { traceID: 'ffff', processes: { p1: { serviceName: 'inventory-service' } }, spans: [span('ffff', 'f0', 'p1', 'batch', 0, 300, { tags: orderTag() }), ...children] };

    const w = buildWaterfall(ORDER, [big]);

    expect(w.traces[0].spans).toHaveLength(200_001);
    expect(w.durationMs).toBe(300);
    expect(renderWaterfall(w).split('\n')).toHaveLength(200_006);
  });

  it('when nothing is found, then the waterfall is empty', () => {
    expect(buildWaterfall(ORDER, [])).toEqual({ orderId: ORDER, startTime: 0, durationMs: 0, traces: [] });
  });

  it('when rendered, then each span is a line indented by depth with its columns and bar, errors and links under it', () => {
    const text = renderWaterfall(buildWaterfall(ORDER, [orderTrace, batchTrace]), { barWidth: 9 });

    expect(text).toBe(
      [
        `order ${ORDER}: 2 traces, 5 spans, 90.0 ms from the first span to the last`,
        '',
        'trace aaaa (carries the order) at +0.0 ms, 20.0 ms',
        'SERVICE              OPERATION              OFFSET ms  DURATION ms  STATUS  TIMELINE',
        'api-gateway          POST /v1/orders              0.0         20.0  OK      |██       |',
        '  api-gateway        place-order publish          5.0          2.0  OK      |█        |',
        '',
        'trace bbbb (links to the order) at +30.0 ms, 60.0 ms',
        'SERVICE              OPERATION              OFFSET ms  DURATION ms  STATUS  TIMELINE',
        'order-management     place-order process         30.0         60.0  OK      |   ██████|',
        '    ↳ link trace aaaa span a2 (api-gateway place-order publish)',
        '    ↳ link trace cccc span c9',
        '  order-management   check credit                35.0         10.0  OK      |   ██    |',
        '  inventory-service  reserve stock               50.0         30.0  ERROR   |     ███ |',
        '      ! out of stock',
        '',
      ].join('\n'),
    );
  });
});

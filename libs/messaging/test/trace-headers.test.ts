import { randomUUID } from 'node:crypto';
import { trace, ROOT_CONTEXT } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { BrokerConnection, ConfirmPublisher } from '@shop/messaging';
import { contextFrom, spanContextOf } from '@shop/platform';
import { quietLogger, scratchQueue, BROKER_URL, type ScratchQueue } from '@shop/test-kit';
import { messageTraceHeaders } from '../src/trace-headers';

const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())] });
provider.register({ propagator: new W3CTraceContextPropagator() });
afterAll(() => provider.shutdown());

describe('trace headers of published messages (one headers object reused per process)', () => {
  let scratch: ScratchQueue;
  beforeAll(async () => void (scratch = await scratchQueue('test.trace-headers')));
  afterAll(() => scratch.close());

  it('when messages under different traces are published in one tick, then each carries its own trace, sampled or not', async () => {
    const broker = new BrokerConnection({ url: BROKER_URL, name: 'test-trace-headers', logger: quietLogger() });
    const publisher = new ConfirmPublisher(broker, quietLogger(), 5000);
    await broker.start();
    await publisher.start();
    const tracer = trace.getTracer('test');
    const parents = Array.from({ length: 40 }, (_, n) =>
      n % 4 === 3 ? contextFrom(`00-${randomUUID().replace(/-/g, '')}-b7ad6b7169203331-00`) : trace.setSpan(ROOT_CONTEXT, tracer.startSpan(`accept ${n}`)),
    );
    const traceIds = parents.map((p) => spanContextOf(p)!.traceId);
    await Promise.all(parents.map((parent, n) => publisher.publish('', scratch.queue, { n }, { messageId: `m-${n}`, type: 'test.trace', trace: { parent } })));
    await publisher.close();
    await broker.close();

    const received = (await scratch.drain()).map((message) => ({
      n: (JSON.parse(message.content.toString()) as { n: number }).n,
      traceparent: String(message.properties.headers?.traceparent),
    }));
    expect(received).toHaveLength(parents.length);
    for (const { n, traceparent } of received) {
      const [, traceId, , flags] = traceparent.split('-');
      expect(traceId).toBe(traceIds[n]);
      expect(flags).toBe(n % 4 === 3 ? '00' : '01');
    }
    expect(new Set(received.map((r) => r.traceparent.split('-')[1])).size).toBe(parents.length);
  });

  it('when there is no trace, then there are no headers', () => {
    expect(messageTraceHeaders(ROOT_CONTEXT)).toBeUndefined();
  });
});

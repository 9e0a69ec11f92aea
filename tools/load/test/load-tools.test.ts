import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseLoadArgs } from '../src/cli/load-args';
import { createOrderMix, soldOutProducts } from '../src/load/order-mix';
import { moduleOf, summarizeProfile } from '../src/profile/cpu-profile';
import { LatencyRecorder } from '../src/report/latency-recorder';

describe('load tool arithmetic', () => {
  it('when 1..100 ms are recorded, then the percentiles are the nearest ranks', () => {
    const recorder = new LatencyRecorder();
    for (let ms = 100; ms >= 1; ms--) recorder.record(ms);

    expect(recorder.summary()).toEqual({ count: 100, p50: 50, p95: 95, p99: 99, max: 100, mean: 50.5 });
  });

  it('when nothing was recorded, then the percentiles are NaN rather than 0', () => {
    expect(new LatencyRecorder().summary().p99).toBeNaN();
  });

  it('when the out-of-stock share is 1, then every cart holds exactly one sold-out product and distinct lines', () => {
    const next = createOrderMix({ outOfStockShare: 1 });
    for (let i = 0; i < 200; i++) {
      const { items } = next();
      const ids = items.map((l) => l.productId);
      expect(ids.filter((id) => soldOutProducts.includes(id))).toHaveLength(1);
      expect(new Set(ids).size).toBe(ids.length);
      expect(items.length).toBeGreaterThanOrEqual(1);
      expect(items.length).toBeLessThanOrEqual(5);
    }
  });

  it('when the share is 0, then no cart holds a sold-out product', () => {
    const next = createOrderMix({ outOfStockShare: 0 });
    for (let i = 0; i < 200; i++) expect(next().items.some((l) => soldOutProducts.includes(l.productId))).toBe(false);
  });

  it('when a profile is summarized, then self time goes to the sampled frame and idle time is left out of the shares', () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9 });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', '') },
        { id: 2, callFrame: frame('(idle)', '') },
        { id: 3, callFrame: frame('validate', 'file:///repo/node_modules/joi/lib/base.js') },
        { id: 4, callFrame: frame('publish', 'file:///repo/libs/messaging/dist/publisher.js') },
      ],
      startTime: 0,
      samples: [3, 3, 4, 2, 3],
      timeDeltas: [0, 1000, 1000, 1000, 5000, 1000],
    };

    const summary = summarizeProfile('x.cpuprofile', profile);

    expect(summary.idleMs).toBe(5);
    expect(summary.modules).toEqual([
      { name: 'joi', ms: 3, share: 0.75 },
      { name: 'libs/messaging', ms: 1, share: 0.25 },
    ]);
    expect(summary.functions[0]).toEqual({ name: 'validate node_modules/joi/lib/base.js:10', ms: 3, share: 0.75 });
  });

  it('when a window is given, then samples outside it are left out (start-up is not the load)', () => {
    const profile = {
      nodes: [{ id: 1, callFrame: { functionName: 'load', url: 'file:///r/services/a/dist/x.js', lineNumber: 0 } }],
      startTime: 1_000_000,
      samples: [1, 1, 1, 1],
      timeDeltas: [0, 100, 100, 100, 100],
    };

    const summary = summarizeProfile('x', profile, 5, { fromUs: 1_000_100, toUs: 1_000_200 });

    expect(summary.totalMs).toBeCloseTo(0.2);
  });

  it.each([
    ['file:///r/node_modules/@swc/core/index.js', '@swc/core'],
    ['node:internal/streams/readable', 'node:internal/streams'],
    ['node:net', 'node:net'],
    ['file:///r/services/api-gateway/dist/app.js', 'services/api-gateway'],
    ['', '(garbage collector)'],
  ])('when a frame lives in %s, then its module is %s', (url, module) => {
    expect(moduleOf(url, url ? 'f' : '(garbage collector)')).toBe(module);
  });
});

describe('load tool command line', () => {
  it('when --fresh is given without --spawn, then it is refused: it would empty the databases of a platform the tool did not start', () => {
    expect(() => parseLoadArgs(['--fresh'])).toThrow('--fresh empties the test databases: it needs --spawn');
    expect(parseLoadArgs(['--spawn', '--fresh']).fresh).toBe(true);
    expect(parseLoadArgs(['--spawn']).fresh).toBe(false);
  });
});

describe('load tool process probes', () => {
  it('when processes of a command come and go, then the probe adds the new one and keeps the CPU of the one that left', async () => {
    const { spawn } = await import('node:child_process');
    const { copyFileSync, mkdtempSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { commandProbe } = await import('../src/probes/proc-probes');
    // A shell under a command name nothing else on the machine runs: it burns CPU, then waits on stdin.
    const burner = `${mkdtempSync(`${tmpdir()}/probe-`)}/probe-burner`;
    copyFileSync('/bin/sh', burner);
    const probe = commandProbe('burners', 'probe-burner');
    const start = (loops: number) => spawn(burner, ['-c', `i=0; while [ $i -lt ${loops} ]; do i=$((i+1)); done; read line`], { stdio: ['pipe', 'ignore', 'ignore'] });
    const cpuOf = (pid: number) => {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    };
    const burnt = async (pid: number) => {
      // Done burning once its CPU time stops growing.
      for (let last = -1, now = cpuOf(pid); now !== last; last = now, now = cpuOf(pid)) await new Promise((r) => setTimeout(r, 200));
      return cpuOf(pid);
    };

    const first = start(400_000);
    const firstCpu = await burnt(first.pid!);
    const one = await probe.sample();
    first.kill();
    await new Promise((resolve) => first.once('exit', resolve));
    const second = start(100_000);
    const secondCpu = await burnt(second.pid!);
    const two = await probe.sample();
    second.kill();

    expect(firstCpu).toBeGreaterThan(0.05);
    expect(secondCpu).toBeGreaterThan(0);
    expect(one?.rssBytes).toBeGreaterThan(0);
    expect(one!.cpuSeconds).toBeCloseTo(firstCpu, 1);
    // Dropping the process that left would make this the second one's CPU alone.
    expect(two!.cpuSeconds).toBeCloseTo(firstCpu + secondCpu, 1);
  });
});

describe('bench broker cost', () => {
  it('when messages are paced through the real broker, then its CPU per 1,000 is measured for both kinds and --broker-cost-seconds 0 skips it', async () => {
    const { measureBrokerCost } = await import('../src/bench/broker-cost');
    const { parseBenchArgs } = await import('../src/bench/bench-args');
    const { brokerProbe } = await import('../src/target/running-platform');
    const { BROKER_URL } = await import('@shop/test-kit');

    const cost = await measureBrokerCost({ brokerUrl: BROKER_URL, rate: 2000, seconds: 1, broker: brokerProbe('test') });

    expect(cost.persistent).toBeGreaterThan(0);
    expect(cost.transient).toBeGreaterThan(0);
    expect(parseBenchArgs(['--broker-cost-seconds', '0']).brokerCostSeconds).toBe(0);
    expect(parseBenchArgs([]).brokerCostSeconds).toBe(8);
  });
});

describe('bench tracing cost', () => {
  it('when a real OTLP exporter sends spans to the sink, then the export succeeds and its bytes are counted; --tracing-rounds 0 skips the phases', async () => {
    const { startOtlpSink, tracingEnv } = await import('../src/bench/tracing-cost');
    const { parseBenchArgs } = await import('../src/bench/bench-args');
    const sink = await startOtlpSink();
    try {
      // The services' own exporter (OTLP/HTTP, protobuf), in a process of its own: it loads
      // parts of itself with import(), which jest's module system does not run.
      const exportOne = `
        const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
        const { BasicTracerProvider, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
        const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: process.env.SINK + '/v1/traces' }))] });
        provider.getTracer('bench-test').startSpan('place order').end();
        provider.forceFlush().then(() => provider.shutdown());`;
      await promisify(execFile)(process.execPath, ['-e', exportOne], { env: { ...process.env, SINK: sink.url } });
      expect(sink.received().exports).toBe(1);
      expect(sink.received().bytes).toBeGreaterThan(20);
    } finally {
      await sink.close();
    }
    expect(tracingEnv('off', sink.url)).toEqual({ OTEL_EXPORTER_OTLP_ENDPOINT: '' });
    expect(tracingEnv('0.1', sink.url)).toMatchObject({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' });
    expect(parseBenchArgs(['--tracing-rounds', '0']).tracingRounds).toBe(0);
    expect(parseBenchArgs([]).tracingRounds).toBe(5);
  });

  it('when --tracing-modes is given, then those phases run, off first; 0 is the SDK on with nothing sampled', async () => {
    const { tracingEnv } = await import('../src/bench/tracing-cost');
    const { parseBenchArgs } = await import('../src/bench/bench-args');
    expect(parseBenchArgs([]).tracingModes).toEqual(['off', '0.1', '1.0']);
    expect(parseBenchArgs(['--tracing-modes', 'off,0,0.1']).tracingModes).toEqual(['off', '0', '0.1']);
    expect(tracingEnv('0', 'http://127.0.0.1:1')).toEqual({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' });
    expect(() => parseBenchArgs(['--tracing-modes', '0.1,off'])).toThrow(/must start with off/);
    expect(() => parseBenchArgs(['--tracing-modes', 'off,0.5'])).toThrow(/not 0.5/);
    // Undefined: half the pipeline's measured rate; the twins run open loop, so a rate it must be.
    expect(parseBenchArgs([]).tracingRate).toBeUndefined();
    expect(parseBenchArgs(['--tracing-rate', '1000']).tracingRate).toBe(1000);
    expect(() => parseBenchArgs(['--tracing-rate', '0'])).toThrow(/orders\/s offered to the twins/);
  });

  it('when twins measured each service, then the pipeline loses the services\' extra CPU over its whole CPU per order, per round, and the median of per-round ratios is reported', async () => {
    const { pipelineShare, summarise } = await import('../src/bench/tracing-twins');
    const { median } = await import('../src/bench/tracing-cost');
    const round = (r: number, gateway: [number, number], om: [number, number]) => ({
      mode: '0.1' as const,
      round: r,
      gateway,
      services: { 'order-management': om, 'customer-service': [0.1, 0.12] as [number, number], 'inventory-service': [0.1, 0.1] as [number, number] },
      infrastructure: { rabbitmq: 0.3, postgres: 0.2 },
      clean: true,
    });
    // Round 1: off 0.4 + 0.3 + 0.1 + 0.1 + 0.3 + 0.2 = 1.4 per 1,000 orders; tracing adds 0.06 + 0.04 + 0.02 = 0.12.
    const first = round(0, [0.4, 0.46], [0.3, 0.34]);
    const share = pipelineShare(first);
    expect(share.off).toBeCloseTo(1.4, 9);
    expect(share.extra).toBeCloseTo(0.12, 9);
    expect(share.loss).toBeCloseTo(0.12 / 1.52, 9);
    // The machine twice as slow in round 2, tracing's share the same; round 3 dearer.
    const cost = { modes: ['off' as const, '0.1' as const], rate: 1000, rounds: 3, orders: 1000, runs: [first, round(1, [0.8, 0.92], [0.6, 0.68]), round(2, [0.4, 0.6], [0.3, 0.34])] };
    const m = summarise(cost, '0.1')!;
    expect(m.change['api-gateway']).toBeCloseTo(0.15, 9);
    expect(m.change['order-management']).toBeCloseTo(median([0.04 / 0.3, 0.08 / 0.6, 0.04 / 0.3]), 9);
    expect(m.perService['api-gateway']).toEqual([0.4, 0.6]);
    expect(m.pipeline.rounds).toHaveLength(3);
    expect(m.pipeline.loss).toBeCloseTo(median(m.pipeline.rounds), 9);
    expect(m.pipeline.rounds[2]).toBeGreaterThan(m.pipeline.rounds[0]);
    expect(summarise(cost, '1.0')).toBeUndefined();
    expect(median([3, 1, 2, 10])).toBe(2.5);
  });
});

import { parseBenchArgs } from '../src/bench/bench-args';
import { legOrder } from '../src/bench/ha-bench';
import type { Leg } from '../src/bench/ha-compare';
import { groupedUsage, legFigures, legLimit, meanFigures, platformCpuPer1000, syncCost } from '../src/bench/ha-compare-report';
import { formatFootprint, parsePss, parseVmRss, summarizeFootprint } from '../src/probes/footprint';
import type { LoadResult } from '../src/load/run-load';
import type { ResourceUsage } from '../src/probes/resource-monitor';

const MiB = 2 ** 20;
const usage = (name: string, cores: number, cpuPer1000 = cores): ResourceUsage => ({ name, cores, cpuPer1000, cpuSeconds: cores });

describe('bench --topology ha arguments', () => {
  it('when no topology is given, then the full single-node bench runs with its own defaults', () => {
    const args = parseBenchArgs([]);

    expect(args).toMatchObject({ topology: 'single', memory: false, orders: 20_000, pipelineSeconds: undefined });
  });

  it('when --topology ha is given, then each leg saturates for 40 s and measures latency for 20 s', () => {
    expect(parseBenchArgs(['--topology', 'ha'])).toMatchObject({ topology: 'ha', memory: false, pipelineSeconds: 40, latencySeconds: 20 });
  });

  it('when --rounds is given, then it is a whole number of at least one', () => {
    expect(parseBenchArgs(['--topology', 'ha']).rounds).toBe(1);
    expect(parseBenchArgs(['--topology', 'ha', '--rounds', '3']).rounds).toBe(3);
    expect(() => parseBenchArgs(['--topology', 'ha', '--rounds', '1.5'])).toThrow(/--rounds must be a whole number/);
  });

  it('when the legs take turns, then each round starts one leg later and every leg runs once per round', () => {
    expect(legOrder(1)).toEqual(['classic, 1 node', 'HA, sync standby', 'HA, async standby']);
    expect(legOrder(2)).toEqual(['HA, sync standby', 'HA, async standby', 'classic, 1 node']);
    expect(legOrder(4)).toEqual(legOrder(1));
  });

  it('when --memory is given without --orders, then the run is the million-order one', () => {
    expect(parseBenchArgs(['--topology=ha', '--memory'])).toMatchObject({ memory: true, orders: 1_000_000, sampleSeconds: 5 });
    expect(parseBenchArgs(['--topology', 'ha', '--memory', '--orders', '200000']).orders).toBe(200_000);
  });

  it.each([
    [['--topology', 'cluster'], /--topology must be single or ha/],
    [['--memory'], /--memory needs --topology ha/],
    [['--topology', 'ha', '--memory', '--sample-seconds', '0'], /--sample-seconds must be more than 0/],
    [['--topology', 'ha', '--latency-seconds=-1'], /--latency-seconds must be a non-negative number/],
  ])('when %j is given, then it is refused', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });
});

describe('memory and disk footprint', () => {
  it('when smaps_rollup and status are read, then Pss and VmRSS come out in bytes', () => {
    expect(parsePss('00400000-7ffd [rollup]\nRss:              40960 kB\nPss:               12345 kB\nPss_Anon:  1 kB\n')).toBe(12345 * 1024);
    expect(parseVmRss('Name:\tbeam.smp\nVmHWM:\t  200000 kB\nVmRSS:\t  150000 kB\n')).toBe(150000 * 1024);
    expect(parsePss('')).toBeUndefined();
  });

  it('when a metric levels off, then start, half-way, peak and end are reported and it is not growing', () => {
    const metrics = [{ name: 'rss', unit: 'bytes' as const }];
    const samples = [0, 100, 200, 300, 400].map((t, i) => ({ t, values: { rss: [100, 300, 320, 310, 315][i] * MiB } }));

    const [row] = summarizeFootprint(metrics, samples);

    expect(row).toMatchObject({ start: 100 * MiB, half: 320 * MiB, peak: 320 * MiB, end: 315 * MiB, fallbacks: 0, growing: false });
  });

  it('when a metric falls back and climbs again (a WAL that rolls over), then it counts as bounded even if it ends on the rise', () => {
    const metrics = [{ name: 'ra wal', unit: 'bytes' as const }];
    const samples = [0, 100, 200, 300, 400].map((t, i) => ({ t, values: { 'ra wal': [10, 450, 40, 200, 400][i] * MiB } }));

    const [row] = summarizeFootprint(metrics, samples);

    expect(row).toMatchObject({ half: 40 * MiB, peak: 450 * MiB, end: 400 * MiB, fallbacks: 1, growing: false });
    expect(formatFootprint([row])).toMatch(/ra wal .*400 MiB\s+1x$/);
  });

  it('when a metric keeps climbing in the second half, then it is marked growing, but not for one more WAL segment', () => {
    const metrics = [
      { name: 'climbs', unit: 'bytes' as const },
      { name: 'one segment more', unit: 'bytes' as const },
    ];
    const samples = [0, 100, 200].map((t, i) => ({ t, values: { climbs: [100, 200, 400][i] * MiB, 'one segment more': [16, 16, 32][i] * MiB } }));

    const rows = summarizeFootprint(metrics, samples);

    expect(rows.map((r) => r.growing)).toEqual([true, false]);
    expect(formatFootprint(rows)).toMatch(/climbs .*400 MiB\s+-\s+STILL GROWING/);
  });

  it('when a metric could not be read, then its cells are dashes, not zeros', () => {
    const [row] = summarizeFootprint([{ name: 'slots', unit: 'count' }], [{ t: 0, values: { slots: undefined } }]);

    expect(row.start).toBeUndefined();
    expect(formatFootprint([row])).toMatch(/slots\s+-\s+-\s+-\s+-/);
  });
});

describe('what limits a leg and what synchronous replication costs', () => {
  const leg = (processedPerSecond: number, resources: ResourceUsage[], commitsPerSecond = 1000, commits = 150): Leg => {
    const run = { processedPerSecond, acceptedPerSecond: processedPerSecond, accepted: 10_000, resources, acceptance: { p99: 50 }, endToEnd: { p99: 100 } } as unknown as LoadResult;
    return {
      name: 'HA, sync standby',
      round: 1,
      saturated: run,
      atRate: run,
      database: { commits, walSyncs: 80, walBytes: 0 },
      commit: { rows: 1000, concurrency: 2, seconds: 1, perSecond: commitsPerSecond },
    };
  };

  it('when grouping, then the nodes count as one RabbitMQ and what the machine did beyond them is other processes', () => {
    const groups = groupedUsage([usage('rabbitmq-1', 0.2), usage('rabbitmq-2', 0.1), usage('api-gateway', 0.5), usage('machine (all)', 1.9)]);

    expect(groups[0]).toEqual({ name: 'other processes', cores: expect.closeTo(1.1, 5) });
    expect(groups).toContainEqual({ name: 'RabbitMQ', cores: expect.closeTo(0.3, 5), parts: [0.2, 0.1] });
  });

  it('when the machine is nearly all busy, then the limit is CPU; when it is not, waits', () => {
    const busy = leg(1000, [usage('api-gateway', 1.0), usage('postgres primary', 0.6), usage('machine (all)', 1.8)]);
    const idle = leg(1000, [usage('api-gateway', 0.3), usage('machine (all)', 0.6)]);

    expect(legLimit(busy, 2)).toMatch(/^CPU: 1.80 of 2 cores busy; largest api-gateway 1.00.*api-gateway at a full core; 8 WAL fsyncs and 15 commits per 1,000 orders, a commit round trip of 2.0 ms$/);
    expect(legLimit(idle, 2)).toMatch(/^waits, not CPU \(0.60 of 2 cores busy/);
  });

  it('when sync and async legs are compared, then the cost is the difference per order and the load tool is not the platform', () => {
    const sync = leg(500, [usage('api-gateway', 1, 0.5), usage('load tool', 1, 0.2)], 500, 300);
    const async = leg(1000, [usage('api-gateway', 1, 0.4), usage('load tool', 1, 0.2)], 1000, 150);

    expect(platformCpuPer1000(sync.saturated.resources)).toBe(0.5);
    expect(syncCost(legFigures(sync), legFigures(async))).toEqual({
      microsPerOrder: 1000,
      cpuMicrosPerOrder: expect.closeTo(100, 5),
      throughputRatio: 0.5,
      endToEndP99Ms: 0,
      acceptanceP99Ms: 0,
      commitMs: 2,
      commitsPer1000Orders: { sync: 30, async: 15 },
    });
  });

  it('when a leg ran several rounds, then its figures are their means', () => {
    const mean = meanFigures([leg(400, [usage('api-gateway', 1, 0.5)]), leg(600, [usage('api-gateway', 1, 0.7)])]);

    expect(mean.processedPerSecond).toBe(500);
    expect(mean.platformCpuPer1000).toBeCloseTo(0.6, 5);
  });
});

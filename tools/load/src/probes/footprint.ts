/**
 * What a long run leaves behind, read from /proc, the file system and the primary: pure parts here
 * (parsing, start/peak/end), the sampler of the HA topology in bench/ha-footprint.ts.
 */

export type FootprintUnit = 'bytes' | 'count';

export interface FootprintMetric {
  name: string;
  unit: FootprintUnit;
}

/** One reading of every metric, `t` seconds after the start; undefined where it could not be read. */
export interface FootprintSample {
  t: number;
  values: Record<string, number | undefined>;
}

export interface FootprintRow extends FootprintMetric {
  start?: number;
  peak?: number;
  /** At the sample nearest to half of the run: growth in the second half shows against it. */
  half?: number;
  end?: number;
  /**
   * How many times it fell back by more than a quarter from its high since the previous fall: a
   * Ra WAL that rolls over, a checkpoint that recycles WAL segments. Such a metric is bounded by
   * what releases it, even when the run ends on a rising edge.
   */
  fallbacks: number;
  /** Never fell back, and higher at the end than half-way by more than 20 % and more than the metric's noise. */
  growing: boolean;
}

/** Memory a process really holds, its shared pages divided among their sharers (smaps_rollup's Pss). */
export function parsePss(smapsRollup: string): number | undefined {
  const match = /^Pss:\s+(\d+) kB/m.exec(smapsRollup);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** VmRSS of /proc/<pid>/status. */
export function parseVmRss(status: string): number | undefined {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  return match ? Number(match[1]) * 1024 : undefined;
}

// Below these, a difference is noise: a WAL segment or a Ra segment file comes and goes whole.
const NOISE: Record<FootprintUnit, number> = { bytes: 32 * 2 ** 20, count: 0 };

export function summarizeFootprint(metrics: FootprintMetric[], samples: FootprintSample[]): FootprintRow[] {
  const last = samples.at(-1)?.t ?? 0;
  return metrics.map((metric) => {
    const readings = samples.map((s) => ({ t: s.t, v: s.values[metric.name] })).filter((r): r is { t: number; v: number } => r.v !== undefined);
    if (readings.length === 0) return { ...metric, fallbacks: 0, growing: false };
    const nearest = (t: number) => readings.reduce((best, r) => (Math.abs(r.t - t) < Math.abs(best.t - t) ? r : best)).v;
    const start = readings[0].v;
    const end = readings.at(-1)!.v;
    const half = nearest(last / 2);
    const peak = Math.max(...readings.map((r) => r.v));
    let fallbacks = 0;
    let high = start;
    for (const { v } of readings) {
      if (v < high * 0.75 && high - v > NOISE[metric.unit]) {
        fallbacks++;
        high = v;
      } else {
        high = Math.max(high, v);
      }
    }
    const growing = fallbacks === 0 && end > half * 1.2 && end - half > NOISE[metric.unit];
    return { ...metric, start, peak, half, end, fallbacks, growing };
  });
}

const amount = (unit: FootprintUnit, value: number | undefined): string => {
  if (value === undefined) return '-';
  if (unit === 'count') return String(value);
  if (value >= 2 ** 30) return `${(value / 2 ** 30).toFixed(2)} GiB`;
  return value >= 2 ** 20 || value === 0 ? `${(value / 2 ** 20).toFixed(0)} MiB` : `${(value / 2 ** 10).toFixed(0)} KiB`;
};

export function formatFootprint(rows: FootprintRow[]): string {
  const width = Math.max(...rows.map((r) => r.name.length), 10);
  const cell = (text: string) => text.padStart(11);
  const header = `${''.padEnd(width)} ${cell('start')} ${cell('half-way')} ${cell('peak')} ${cell('end')} ${cell('fell back')}`;
  const lines = rows.map(
    (r) =>
      `${r.name.padEnd(width)} ${cell(amount(r.unit, r.start))} ${cell(amount(r.unit, r.half))} ${cell(amount(r.unit, r.peak))} ${cell(amount(r.unit, r.end))} ${cell(r.fallbacks ? `${r.fallbacks}x` : '-')}` +
      (r.growing ? '   STILL GROWING' : ''),
  );
  return [header, ...lines].join('\n');
}

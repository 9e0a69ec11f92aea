import { epochMs, type LoadCounters } from '../load/load-counters';
import type { QueueDepthReader } from '../probes/queue-depth';
import type { LatencyRecorder } from './latency-recorder';

export interface IntervalPercentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
}

/** One interval of a run (about a second), read at its end. */
export interface SeriesPoint {
  /** Seconds from the start of the recording to the end of the interval. */
  t: number;
  acceptedPerSecond: number;
  /** Orders seen CONFIRMED, REJECTED or CANCELLED, per second. */
  decidedPerSecond: number;
  /** Answers other than the expected status, and transport errors, per second. */
  refusedPerSecond: number;
  /** Of the samples recorded in the interval; null when there were none. */
  acceptance: IntervalPercentiles | null;
  endToEnd: IntervalPercentiles | null;
  /** Accepted orders not seen decided yet, at the end of the interval. */
  pending?: number;
  /** Messages ready in each work queue, read just after the end of the interval. */
  queues?: Record<string, number>;
}

export interface RunSeries {
  /** Epoch ms the recording started. */
  startedAt: number;
  points: SeriesPoint[];
}

/**
 * The run over time, for the HTML report. It reads what the run keeps anyway (the counters and
 * the latency samples, which are kept in the order they were recorded) once an interval, so the
 * request path does no extra work. End-to-end samples fall in the interval the tool saw the
 * decision in, at most one poll (250 ms) after it was made.
 */
export class SeriesRecorder {
  private readonly points: SeriesPoint[] = [];
  private startedAt = 0;
  private last = { at: 0, accepted: 0, terminal: 0, refused: 0, acceptance: 0, endToEnd: 0 };
  private queueRead?: Promise<void>;

  constructor(
    private readonly counters: LoadCounters,
    private readonly sources: { pending?: () => number; queueDepth?: QueueDepthReader } = {},
  ) {}

  start(at = epochMs()): void {
    this.startedAt = at;
    this.last = this.snapshot(at);
  }

  /** Closes the interval that ends at `at`; the queue depth is read in the background. */
  sample(at = epochMs()): void {
    const now = this.snapshot(at);
    const seconds = (now.at - this.last.at) / 1000;
    if (seconds <= 0) return;
    const point: SeriesPoint = {
      t: (now.at - this.startedAt) / 1000,
      acceptedPerSecond: (now.accepted - this.last.accepted) / seconds,
      decidedPerSecond: (now.terminal - this.last.terminal) / seconds,
      refusedPerSecond: (now.refused - this.last.refused) / seconds,
      acceptance: percentiles(this.counters.acceptance, this.last.acceptance, now.acceptance),
      endToEnd: percentiles(this.counters.endToEnd, this.last.endToEnd, now.endToEnd),
      pending: this.sources.pending?.(),
    };
    this.points.push(point);
    this.last = now;
    const read = this.sources.queueDepth;
    // A slow broker leaves this interval without a depth rather than delaying the next one.
    if (read && !this.queueRead) {
      this.queueRead = read()
        .then((queues) => void (queues && (point.queues = queues)))
        .catch(() => undefined)
        .finally(() => (this.queueRead = undefined));
    }
  }

  /** Closes the last, partial interval (when it is not just a blink) and waits for its queue depth. */
  async finish(at = epochMs()): Promise<RunSeries> {
    if (at - this.last.at >= 200 || this.points.length === 0) this.sample(at);
    await this.queueRead;
    return { startedAt: this.startedAt, points: this.points };
  }

  private snapshot(at: number) {
    const c = this.counters;
    return { at, accepted: c.accepted, terminal: c.terminal, refused: c.failed, acceptance: c.acceptance.count, endToEnd: c.endToEnd.count };
  }
}

/** A JSON.stringify replacer that leaves the series out: printed and written results stay as they were. */
export const withoutSeries = (key: string, value: unknown): unknown => (key === 'series' ? undefined : value);

function percentiles(recorder: LatencyRecorder, from: number, to: number): IntervalPercentiles | null {
  if (to <= from) return null;
  const { count, p50, p95, p99 } = recorder.summary(from, to);
  return { count, p50, p95, p99 };
}

/**
 * Keeps every sample (8 bytes each: a million orders is 8 MB) so percentiles are exact rather
 * than bucketed; a benchmark that argues about p99 should not add its own rounding.
 */
export class LatencyRecorder {
  private values = new Float64Array(1024);
  private size = 0;

  get count(): number {
    return this.size;
  }

  record(ms: number): void {
    if (this.size === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.size++] = ms;
  }

  /**
   * The samples recorded between the from-th and the to-th (all of them by default): samples are
   * kept in the order they were recorded, so a slice is a stretch of time.
   */
  summary(from = 0, to = this.size): LatencySummary {
    const size = Math.max(0, Math.min(to, this.size) - from);
    if (size === 0) return { count: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN };
    const sorted = this.values.slice(from, from + size).sort();
    const at = (q: number) => sorted[Math.min(size - 1, Math.ceil(q * size) - 1)];
    let sum = 0;
    for (const v of sorted) sum += v;
    return { count: size, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[size - 1], mean: sum / size };
  }
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

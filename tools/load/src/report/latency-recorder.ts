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

  summary(): LatencySummary {
    if (this.size === 0) return { count: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN };
    const sorted = this.values.slice(0, this.size).sort();
    const at = (q: number) => sorted[Math.min(this.size - 1, Math.ceil(q * this.size) - 1)];
    let sum = 0;
    for (const v of sorted) sum += v;
    return { count: this.size, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[this.size - 1], mean: sum / this.size };
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

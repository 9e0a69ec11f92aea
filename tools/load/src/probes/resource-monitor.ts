import type { ProbeSample, ResourceProbe } from './probe';

export interface ResourceUsage {
  name: string;
  cpuSeconds: number;
  /** CPU seconds per 1,000 orders processed in the window. */
  cpuPer1000: number;
  /** Average cores used over the window. */
  cores: number;
  peakRssMb?: number;
}

/** Samples every probe once a second between start() and stop(), for CPU deltas and RSS peaks. */
export class ResourceMonitor {
  private readonly first = new Map<string, ProbeSample>();
  private readonly last = new Map<string, ProbeSample>();
  private readonly peak = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private startedAt = 0;
  private sampling?: Promise<void>;

  constructor(private readonly probes: ResourceProbe[]) {}

  async start(): Promise<void> {
    await Promise.all(this.probes.map((p) => p.resetPeak?.()));
    this.startedAt = Date.now();
    await this.sampleAll();
    this.timer = setInterval(() => void this.sampleAll(), 1000).unref();
  }

  async stop(orders: number): Promise<ResourceUsage[]> {
    clearInterval(this.timer);
    await this.sampleAll();
    const seconds = (Date.now() - this.startedAt) / 1000;
    const usage: ResourceUsage[] = [];
    for (const probe of this.probes) {
      const first = this.first.get(probe.name);
      const last = this.last.get(probe.name);
      if (!first || !last) continue;
      const cpuSeconds = last.cpuSeconds - first.cpuSeconds;
      const kernelPeak = await probe.peakRssBytes?.();
      const peak = Math.max(this.peak.get(probe.name) ?? 0, kernelPeak ?? 0);
      usage.push({
        name: probe.name,
        cpuSeconds,
        cpuPer1000: orders > 0 ? (cpuSeconds * 1000) / orders : NaN,
        cores: seconds > 0 ? cpuSeconds / seconds : NaN,
        peakRssMb: peak > 0 ? peak / 2 ** 20 : undefined,
      });
    }
    return usage;
  }

  private async sampleAll(): Promise<void> {
    // A slow /proc scan must not pile up behind itself.
    if (this.sampling) return this.sampling;
    this.sampling = this.sampleOnce().finally(() => (this.sampling = undefined));
    return this.sampling;
  }

  private async sampleOnce(): Promise<void> {
    await Promise.all(
      this.probes.map(async (probe) => {
        const sample = await probe.sample();
        if (!sample) return;
        if (!this.first.has(probe.name)) this.first.set(probe.name, sample);
        this.last.set(probe.name, sample);
        if (sample.rssBytes !== undefined) this.peak.set(probe.name, Math.max(this.peak.get(probe.name) ?? 0, sample.rssBytes));
      }),
    );
  }
}

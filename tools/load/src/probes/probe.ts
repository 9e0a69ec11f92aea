/** CPU seconds used so far and memory resident now, of one process or a group of them. */
export interface ProbeSample {
  cpuSeconds: number;
  rssBytes?: number;
}

export interface ResourceProbe {
  readonly name: string;
  sample(): Promise<ProbeSample | undefined>;
  /** Starts a new peak-RSS window, where the kernel can (Linux clear_refs). */
  resetPeak?(): Promise<void>;
  /** The kernel's peak RSS since the last reset, when it keeps one. */
  peakRssBytes?(): Promise<number | undefined>;
}

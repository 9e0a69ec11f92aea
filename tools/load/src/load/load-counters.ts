import { LatencyRecorder } from '../report/latency-recorder';

/** Live counts of one run, read by the progress display and the summary. */
export class LoadCounters {
  sent = 0;
  accepted = 0;
  confirmed = 0;
  rejected = 0;
  cancelled = 0;
  /** Answers other than the expected status, by status ("503") or error code ("UND_ERR_SOCKET"). */
  readonly refused = new Map<string, number>();
  readonly acceptance = new LatencyRecorder();
  readonly endToEnd = new LatencyRecorder();
  /** Epoch ms of the first send, the last expected answer and the last terminal state. */
  startedAt = 0;
  lastAcceptedAt = 0;
  lastTerminalAt = 0;

  get terminal(): number {
    return this.confirmed + this.rejected + this.cancelled;
  }

  get failed(): number {
    let n = 0;
    for (const v of this.refused.values()) n += v;
    return n;
  }

  refuse(reason: string): void {
    this.refused.set(reason, (this.refused.get(reason) ?? 0) + 1);
  }
}

/** Wall-clock epoch milliseconds with sub-millisecond resolution, comparable to Postgres timestamps. */
export const epochMs = (): number => performance.timeOrigin + performance.now();

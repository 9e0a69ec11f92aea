import { existsSync, writeFileSync } from 'node:fs';

export interface FaultOptions {
  /** The named point at which to die; unset in every real deployment (config forbids it in production). */
  point?: string;
  /** Die at the n-th time the point is reached. */
  after: number;
  /** When set, die only if this file does not exist yet, and create it: one crash per arming. */
  marker?: string;
}

/**
 * Crash points for the fault suite: kill -9 of our own process at a precise step of the work
 * (before a commit, between commit and ack, while publishing), which no signal from outside can
 * time that exactly.
 */
export function createFaults({ point, after, marker }: FaultOptions) {
  let hits = 0;
  return {
    hit(name: string): void {
      if (name !== point) return;
      hits += 1;
      if (hits < after) return;
      if (marker) {
        if (existsSync(marker)) return;
        writeFileSync(marker, `${name} ${new Date().toISOString()}\n`);
      }
      process.kill(process.pid, 'SIGKILL');
    },
  };
}

export type Faults = ReturnType<typeof createFaults>;

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { haEnv } from '@shop/test-kit';

const script = path.resolve(__dirname, '../../../scripts/ha/ha.sh');

/** One command of scripts/ha/ha.sh against the HA topology; its stdout, trimmed. */
export function ha(...args: string[]): string {
  return execFileSync('bash', [script, ...args], { env: { ...process.env, ...haEnv() }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 })
    .toString()
    .trim();
}

/** The node (1-3) that leads a quorum queue. */
export const leaderOf = (queue: string): number => Number(ha('rabbit-leader', queue));

export const reportFile = path.resolve(__dirname, '../../../reports/ha.jsonl');

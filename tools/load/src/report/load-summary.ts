import type { LoadResult } from '../load/run-load';
import type { LatencySummary } from './latency-recorder';

const n = (value: number, digits = 0) => (Number.isFinite(value) ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '-');
export const ms = (value: number) => (Number.isFinite(value) ? (value < 10 ? `${n(value, 1)} ms` : `${n(value)} ms`) : '-');
export const latencyLine = (l: LatencySummary) => `p50 ${ms(l.p50)}  p95 ${ms(l.p95)}  p99 ${ms(l.p99)}  max ${ms(l.max)}  (${n(l.count)} samples)`;
export const rate = (value: number) => `${n(value)}/s`;

/** True when the run kept its books: nothing lost, nothing duplicated, everything decided. */
export function isClean(result: LoadResult): boolean {
  const r = result.reconciliation;
  if (result.mode === 'validate') return result.accepted > 0;
  return r !== undefined && result.accepted > 0 && r.lost === 0 && r.duplicated === 0 && r.stillPending === 0 && r.wrongCustomer === 0 && result.stuck.length === 0;
}

export function formatLoadSummary(result: LoadResult): string {
  const refused = Object.entries(result.refused).map(([k, v]) => `${k}: ${v}`).join(', ') || 'none';
  const lines = [
    `${result.label} — run ${result.runId}, ${result.pacing}`,
    `  sent ${n(result.sent)}  accepted ${n(result.accepted)}  confirmed ${n(result.confirmed)}  rejected ${n(result.rejected)}  refused ${refused}`,
    result.mode === 'validate'
      ? `  answered/s ${rate(result.acceptedPerSecond)} over ${n(result.seconds.sending, 1)} s`
      : `  accepted/s ${rate(result.acceptedPerSecond)} (sending ${n(result.seconds.sending, 1)} s)   processed/s ${rate(result.processedPerSecond)} ${
          result.seconds.window ? `(in the first ${result.seconds.window} s)` : `(last terminal at ${n(result.seconds.toLastTerminal, 1)} s)`
        }`,
    `  ${result.mode === 'validate' ? 'answer' : 'acceptance'} latency   ${latencyLine(result.acceptance)}`,
  ];
  const g = result.gatewayAcceptance;
  if (g && g.count > 0) {
    lines.push(`    at the gateway     p50 ≤ ${ms(g.p50)}  p95 ≤ ${ms(g.p95)}  p99 ≤ ${ms(g.p99)}  (its /metrics histogram, ${n(g.count)} requests)`);
  }
  lines.push(`    load tool's event loop late by p99 ${ms(result.toolLoopDelay.p99)}, max ${ms(result.toolLoopDelay.max)}`);
  if (result.mode === 'orders') {
    lines.push(`  end-to-end latency   ${latencyLine(result.endToEnd)}  (202 to decision${result.decidedBeforeReply ? `; ${result.decidedBeforeReply} decided before their 202 arrived, counted as 0` : ''})`);
    const r = result.reconciliation;
    if (r) {
      lines.push(`  reconciliation       lost ${r.lost}  duplicated ${r.duplicated}  still pending ${r.stillPending}  wrong customer ${r.wrongCustomer}  ${isClean(result) ? 'OK' : 'FAILED'}`);
      for (const [kind, ids] of Object.entries(r.examples)) if (ids.length > 0) lines.push(`    ${kind}: ${ids.join(' ')}`);
    }
    if (result.pollErrors > 0) lines.push(`  ${result.pollErrors} polls of the orders database failed and were retried`);
    if (result.stuck.length > 0) lines.push(`  not terminal after the drain timeout: ${result.stuck.length} (${result.stuck.slice(0, 10).join(' ')})`);
  }
  if (result.reads) {
    lines.push(`  GET /v1/orders/{id}  ${latencyLine(result.reads.getOrder)}`);
    lines.push(`  first page of orders ${latencyLine(result.reads.firstPage)}${result.reads.errors ? `  errors ${result.reads.errors}` : ''}`);
    lines.push(`  (before them, ${result.reads.warmup.count} warm-up reads, both kinds: p50 ${ms(result.reads.warmup.p50)}  p99 ${ms(result.reads.warmup.p99)}  max ${ms(result.reads.warmup.max)})`);
  }
  if (result.resources.length > 0) {
    lines.push(`  resources            CPU s per 1,000 orders   avg cores   peak RSS`);
    if (result.seconds.window) lines.push(`    (over the first ${result.seconds.window} s, per order decided in it; the gateway accepted many more)`);
    for (const u of result.resources) {
      lines.push(`    ${u.name.padEnd(18)} ${n(u.cpuPer1000, 3).padStart(12)}   ${n(u.cores, 2).padStart(13)}   ${u.peakRssMb === undefined ? '-' : `${n(u.peakRssMb)} MB`}`);
    }
    // What the machine did beyond everything measured: other people's tests, the kernel, this shell.
    const machine = result.resources.find((u) => u.name === 'machine (all)');
    if (machine) {
      const measured = result.resources.filter((u) => u !== machine).reduce((sum, u) => sum + u.cores, 0);
      lines.push(`    ${'other processes'.padEnd(18)} ${''.padStart(12)}   ${n(machine.cores - measured, 2).padStart(13)}`);
    }
  }
  return lines.join('\n');
}

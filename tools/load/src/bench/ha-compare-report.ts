import type { ResourceUsage } from '../probes/resource-monitor';
import type { HtmlReport } from '../report/html-report';
import { formatLoadSummary, isClean, ms, rate } from '../report/load-summary';
import type { MachineInfo } from './environment';
import type { Leg } from './ha-compare';

export interface HaCompareResult {
  machine: MachineInfo;
  /** The open-loop rate every leg's latency was measured at: 70 % of the HA (sync) leg's rate. */
  rate: number;
  legs: Leg[];
}

export interface SyncCost {
  /** Wall time per order at saturation, synchronous minus asynchronous. */
  microsPerOrder: number;
  /** CPU of the platform's own processes per order (services, nodes, clusters), sync minus async. */
  cpuMicrosPerOrder: number;
  throughputRatio: number;
  endToEndP99Ms: number;
  acceptanceP99Ms: number;
  /** A single-row commit's round trip (concurrency 2), synchronous minus asynchronous. */
  commitMs: number;
  commitsPer1000Orders: { sync: number; async: number };
}

const commitMs = (leg: Leg) => (leg.commit.concurrency * 1000) / leg.commit.perSecond;
const per1000 = (count: number, leg: Leg) => (count * 1000) / leg.saturated.accepted;
const MACHINE = 'machine (all)';
const TOOL = 'load tool';
/** CPU seconds per 1,000 orders of the platform's processes only: what others run on the shared machine is left out. */
export const platformCpuPer1000 = (resources: ResourceUsage[]): number =>
  resources.filter((u) => u.name !== MACHINE && u.name !== TOOL).reduce((sum, u) => sum + u.cpuPer1000, 0);

/** What waiting for the standby costs, from the sync and async legs of one run. */
export function syncCost(sync: Leg, async: Leg): SyncCost {
  return {
    microsPerOrder: 1e6 / sync.saturated.processedPerSecond - 1e6 / async.saturated.processedPerSecond,
    cpuMicrosPerOrder: (platformCpuPer1000(sync.saturated.resources) - platformCpuPer1000(async.saturated.resources)) * 1000,
    throughputRatio: sync.saturated.processedPerSecond / async.saturated.processedPerSecond,
    endToEndP99Ms: sync.atRate.endToEnd.p99 - async.atRate.endToEnd.p99,
    acceptanceP99Ms: sync.atRate.acceptance.p99 - async.atRate.acceptance.p99,
    commitMs: commitMs(sync) - commitMs(async),
    commitsPer1000Orders: { sync: per1000(sync.database.commits, sync), async: per1000(async.database.commits, async) },
  };
}

/**
 * The processes of a phase by cores used, RabbitMQ's nodes and PostgreSQL's clusters each as one,
 * and what the rest of the machine took (other people's work on the shared cores).
 */
export function groupedUsage(resources: ResourceUsage[]): Array<{ name: string; cores: number; parts?: number[] }> {
  const groups = new Map<string, { name: string; cores: number; parts?: number[] }>();
  const machine = resources.find((u) => u.name === MACHINE);
  if (machine) {
    const measured = resources.filter((u) => u !== machine).reduce((sum, u) => sum + u.cores, 0);
    groups.set('other processes', { name: 'other processes', cores: Math.max(0, machine.cores - measured) });
  }
  for (const u of resources) {
    if (u.name === MACHINE) continue;
    const key = u.name.startsWith('rabbitmq') ? 'RabbitMQ' : u.name.startsWith('postgres') ? 'PostgreSQL' : u.name;
    const group = groups.get(key) ?? { name: key, cores: 0 };
    group.cores += u.cores;
    if (key !== u.name) group.parts = [...(group.parts ?? []), u.cores];
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => b.cores - a.cores);
}

/**
 * What set a leg's rate, from what the bench sampled: the machine's cores when they were (nearly)
 * all busy, with the processes that took them; otherwise the waits (fsyncs, commits, confirms).
 */
export function legLimit(leg: Leg, cpus: number): string {
  const resources = leg.saturated.resources;
  const machine = resources.find((u) => u.name === MACHINE)?.cores;
  const top = groupedUsage(resources)
    .slice(0, 4)
    .map((g) => `${g.name} ${g.cores.toFixed(2)}${g.parts && g.parts.length > 1 ? ` (${g.parts.map((c) => c.toFixed(2)).join(' + ')})` : ''}`)
    .join(', ');
  const waits = `${per1000(leg.database.walSyncs, leg).toFixed(0)} WAL fsyncs and ${per1000(leg.database.commits, leg).toFixed(0)} commits per 1,000 orders, a commit round trip of ${ms(commitMs(leg))}`;
  if (machine === undefined) return `no machine CPU sample; largest: ${top}; ${waits}`;
  const single = groupedUsage(resources).find((g) => !g.parts && g.name !== 'other processes' && g.cores >= 0.9);
  if (machine >= 0.85 * cpus) {
    return `CPU: ${machine.toFixed(2)} of ${cpus} cores busy; largest ${top}${single ? `; ${single.name} at a full core` : ''}; ${waits}`;
  }
  return `waits, not CPU (${machine.toFixed(2)} of ${cpus} cores busy; largest ${top}): ${waits}`;
}

const COL = 24;
const signed = (value: number, digits = 0) => (Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${value.toFixed(digits)}` : '-');
const fixed = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : '-');

export function formatHaCompare(result: HaCompareResult): string {
  const { machine: m, legs } = result;
  const base = legs.find((l) => l.name === 'classic, 1 node');
  const sync = legs.find((l) => l.name === 'HA, sync standby');
  const async = legs.find((l) => l.name === 'HA, async standby');
  const cols = legs.map((l) => l.name);
  const ratioCols = base ? legs.filter((l) => l !== base).map((l) => `${l.name.replace('HA, ', '')} / classic`) : [];
  const row = (label: string, values: (leg: Leg) => string, ratio?: (leg: Leg) => number) => {
    const cells = legs.map(values);
    const ratios = base && ratio ? legs.filter((l) => l !== base).map((l) => fixed(ratio(l) / ratio(base))) : ratioCols.map(() => '');
    return `  ${label.padEnd(34)}${[...cells, ...ratios].map((c) => c.padStart(COL)).join('')}`;
  };
  const clean = (l: Leg) => `${l.saturated.reconciliation?.lost ?? '?'}/${l.saturated.reconciliation?.duplicated ?? '?'} ${l.atRate.reconciliation?.lost ?? '?'}/${l.atRate.reconciliation?.duplicated ?? '?'}`;
  const machineCpu = (l: Leg) => l.saturated.resources.find((u) => u.name === MACHINE)?.cpuPer1000 ?? NaN;
  const lines = [
    `Machine: ${m.cpus} x ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, PostgreSQL ${m.postgres.server_version}, RabbitMQ ${m.rabbitmq}`,
    '',
    `  ${''.padEnd(34)}${[...cols, ...ratioCols].map((c) => c.padStart(COL)).join('')}`,
    row('sustained processed/s', (l) => rate(l.saturated.processedPerSecond), (l) => l.saturated.processedPerSecond),
    row('  accepted/s', (l) => rate(l.saturated.acceptedPerSecond), (l) => l.saturated.acceptedPerSecond),
    row('  acceptance p99 (saturated)', (l) => ms(l.saturated.acceptance.p99), (l) => l.saturated.acceptance.p99),
    row('  end-to-end p99 (saturated)', (l) => ms(l.saturated.endToEnd.p99), (l) => l.saturated.endToEnd.p99),
    row(`at ${rate(result.rate)}: acceptance p99`, (l) => ms(l.atRate.acceptance.p99), (l) => l.atRate.acceptance.p99),
    row(`at ${rate(result.rate)}: end-to-end p99`, (l) => ms(l.atRate.endToEnd.p99), (l) => l.atRate.endToEnd.p99),
    row('commit round trip (1 row, c=2)', (l) => ms(commitMs(l)), commitMs),
    row('commits per 1,000 orders', (l) => fixed(per1000(l.database.commits, l), 0), (l) => per1000(l.database.commits, l)),
    row('WAL fsyncs per 1,000 orders', (l) => fixed(per1000(l.database.walSyncs, l), 0), (l) => per1000(l.database.walSyncs, l)),
    row('CPU s per 1,000 orders (platform)', (l) => fixed(platformCpuPer1000(l.saturated.resources), 3), (l) => platformCpuPer1000(l.saturated.resources)),
    row('CPU s per 1,000 orders (machine)', (l) => fixed(machineCpu(l), 3), machineCpu),
    row('lost/dup (saturated, at rate)', clean),
  ];
  if (sync && async) {
    const c = syncCost(sync, async);
    lines.push(
      '',
      'What the synchronous standby costs (HA sync against HA async, same nodes and services)',
      `  wall time per order at saturation   ${signed(c.microsPerOrder)} µs (throughput sync / async ${fixed(c.throughputRatio)})`,
      `  platform CPU per order              ${signed(c.cpuMicrosPerOrder)} µs`,
      `  a commit's round trip               ${signed(c.commitMs, 2)} ms (1 row, c=2); commits per 1,000 orders ${fixed(c.commitsPer1000Orders.sync, 0)} sync, ${fixed(c.commitsPer1000Orders.async, 0)} async`,
      `  ${`at ${rate(result.rate)}`.padEnd(36)}acceptance p99 ${signed(c.acceptanceP99Ms)} ms, end-to-end p99 ${signed(c.endToEndP99Ms)} ms`,
    );
  }
  lines.push('', 'What limits each leg (saturated phase, cores used over it)', ...legs.map((l) => `  ${l.name}: ${legLimit(l, m.cpus)}`));
  const allClean = legs.every((l) => isClean(l.saturated) && isClean(l.atRate));
  lines.push('', `lost 0 and duplicated 0 in every leg: ${allClean ? 'yes' : 'NO'}`);
  return lines.join('\n');
}

export function haCompareHtmlReport(result: HaCompareResult): HtmlReport {
  return {
    title: `HA against classic: ${result.machine.cpus} x ${result.machine.cpuModel}`,
    text: formatHaCompare(result),
    figures: result.legs.map((l) => ({ label: l.name, value: rate(l.saturated.processedPerSecond), note: `at ${rate(result.rate)}: acceptance p99 ${ms(l.atRate.acceptance.p99)}` })),
    runs: result.legs.flatMap((l) => [l.saturated, l.atRate]).map((p) => ({ label: p.label, mode: p.mode, text: formatLoadSummary(p), series: p.series })),
  };
}

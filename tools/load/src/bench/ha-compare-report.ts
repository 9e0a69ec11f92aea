import type { ResourceUsage } from '../probes/resource-monitor';
import type { HtmlReport } from '../report/html-report';
import { formatLoadSummary, isClean, ms, rate } from '../report/load-summary';
import type { MachineInfo } from './environment';
import type { Leg, LegName } from './ha-compare';

export interface HaCompareResult {
  machine: MachineInfo;
  /** The open-loop rate every leg's latency was measured at: 70 % of the slowest leg's rate in round 1. */
  rate: number;
  rounds: number;
  legs: Leg[];
}

/** The figures of one leg's run, or their means over the rounds. */
export interface LegFigures {
  processedPerSecond: number;
  acceptedPerSecond: number;
  saturatedAcceptanceP99: number;
  saturatedEndToEndP99: number;
  atRateAcceptanceP99: number;
  atRateEndToEndP99: number;
  /** A single-row commit's round trip at concurrency 2. */
  commitMs: number;
  commitsPer1000: number;
  walSyncsPer1000: number;
  /** CPU seconds per 1,000 orders of the services, nodes and clusters (not the load tool, not others). */
  platformCpuPer1000: number;
  machineCpuPer1000: number;
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

const MACHINE = 'machine (all)';
const TOOL = 'load tool';
/** CPU seconds per 1,000 orders of the platform's processes only: what others run on the shared machine is left out. */
export const platformCpuPer1000 = (resources: ResourceUsage[]): number =>
  resources.filter((u) => u.name !== MACHINE && u.name !== TOOL).reduce((sum, u) => sum + u.cpuPer1000, 0);

export function legFigures(leg: Leg): LegFigures {
  const per1000 = (count: number) => (count * 1000) / leg.saturated.accepted;
  return {
    processedPerSecond: leg.saturated.processedPerSecond,
    acceptedPerSecond: leg.saturated.acceptedPerSecond,
    saturatedAcceptanceP99: leg.saturated.acceptance.p99,
    saturatedEndToEndP99: leg.saturated.endToEnd.p99,
    atRateAcceptanceP99: leg.atRate.acceptance.p99,
    atRateEndToEndP99: leg.atRate.endToEnd.p99,
    commitMs: (leg.commit.concurrency * 1000) / leg.commit.perSecond,
    commitsPer1000: per1000(leg.database.commits),
    walSyncsPer1000: per1000(leg.database.walSyncs),
    platformCpuPer1000: platformCpuPer1000(leg.saturated.resources),
    machineCpuPer1000: leg.saturated.resources.find((u) => u.name === MACHINE)?.cpuPer1000 ?? NaN,
  };
}

/** The mean of every figure over a leg's rounds. */
export function meanFigures(legs: Leg[]): LegFigures {
  const all = legs.map(legFigures);
  const keys = Object.keys(all[0]) as Array<keyof LegFigures>;
  return Object.fromEntries(keys.map((k) => [k, all.reduce((sum, f) => sum + f[k], 0) / all.length])) as unknown as LegFigures;
}

/** What waiting for the standby costs, from the sync and async legs of one run. */
export function syncCost(sync: LegFigures, async: LegFigures): SyncCost {
  return {
    microsPerOrder: 1e6 / sync.processedPerSecond - 1e6 / async.processedPerSecond,
    cpuMicrosPerOrder: (sync.platformCpuPer1000 - async.platformCpuPer1000) * 1000,
    throughputRatio: sync.processedPerSecond / async.processedPerSecond,
    endToEndP99Ms: sync.atRateEndToEndP99 - async.atRateEndToEndP99,
    acceptanceP99Ms: sync.atRateAcceptanceP99 - async.atRateAcceptanceP99,
    commitMs: sync.commitMs - async.commitMs,
    commitsPer1000Orders: { sync: sync.commitsPer1000, async: async.commitsPer1000 },
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
  const f = legFigures(leg);
  const waits = `${f.walSyncsPer1000.toFixed(0)} WAL fsyncs and ${f.commitsPer1000.toFixed(0)} commits per 1,000 orders, a commit round trip of ${ms(f.commitMs)}`;
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
  const names = [...new Set(legs.map((l) => l.name))];
  const figures = new Map(names.map((n) => [n, meanFigures(legs.filter((l) => l.name === n))]));
  const base = figures.get('classic, 1 node');
  const others = names.filter((n) => n !== 'classic, 1 node');
  const ratioCols = base ? others.map((n) => `${n.replace('HA, ', '')} / classic`) : [];
  const row = (label: string, key: keyof LegFigures, show: (value: number) => string) => {
    const cells = names.map((n) => show(figures.get(n)![key]));
    const ratios = base ? others.map((n) => fixed(figures.get(n)![key] / base[key])) : [];
    return `  ${label.padEnd(34)}${[...cells, ...ratios].map((c) => c.padStart(COL)).join('')}`;
  };
  const books = (n: LegName) =>
    legs
      .filter((l) => l.name === n)
      .flatMap((l) => [l.saturated, l.atRate])
      .reduce((sum, p) => ({ lost: sum.lost + (p.reconciliation?.lost ?? NaN), duplicated: sum.duplicated + (p.reconciliation?.duplicated ?? NaN) }), { lost: 0, duplicated: 0 });
  const perRound = (n: LegName) => legs.filter((l) => l.name === n).map((l) => rate(l.saturated.processedPerSecond)).join(', ');
  const lines = [
    `Machine: ${m.cpus} x ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, PostgreSQL ${m.postgres.server_version}, RabbitMQ ${m.rabbitmq}`,
    result.rounds > 1 ? `Means of ${result.rounds} rounds (the legs took turns in a rotating order)` : 'One round (--rounds N: the legs take turns N times)',
    '',
    `  ${''.padEnd(34)}${[...names, ...ratioCols].map((c) => c.padStart(COL)).join('')}`,
    row('sustained processed/s', 'processedPerSecond', rate),
    row('  accepted/s', 'acceptedPerSecond', rate),
    row('  acceptance p99 (saturated)', 'saturatedAcceptanceP99', ms),
    row('  end-to-end p99 (saturated)', 'saturatedEndToEndP99', ms),
    row(`at ${rate(result.rate)}: acceptance p99`, 'atRateAcceptanceP99', ms),
    row(`at ${rate(result.rate)}: end-to-end p99`, 'atRateEndToEndP99', ms),
    row('commit round trip (1 row, c=2)', 'commitMs', ms),
    row('commits per 1,000 orders', 'commitsPer1000', (v) => fixed(v, 0)),
    row('WAL fsyncs per 1,000 orders', 'walSyncsPer1000', (v) => fixed(v, 0)),
    row('CPU s per 1,000 orders (platform)', 'platformCpuPer1000', (v) => fixed(v, 3)),
    row('CPU s per 1,000 orders (machine)', 'machineCpuPer1000', (v) => fixed(v, 3)),
    `  ${'lost / duplicated (all phases)'.padEnd(34)}${names.map((n) => `${books(n).lost} / ${books(n).duplicated}`.padStart(COL)).join('')}`,
  ];
  if (result.rounds > 1) lines.push('', 'Sustained rate of each round', ...names.map((n) => `  ${n.padEnd(20)} ${perRound(n)}`));
  const sync = figures.get('HA, sync standby');
  const async = figures.get('HA, async standby');
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
  lines.push(
    '',
    'What limits each leg (saturated phase, cores used over it)',
    ...legs.map((l) => `  ${l.name}${result.rounds > 1 ? ` (round ${l.round})` : ''}: ${legLimit(l, m.cpus)}`),
  );
  const allClean = legs.every((l) => isClean(l.saturated) && isClean(l.atRate));
  lines.push('', `lost 0 and duplicated 0 in every leg: ${allClean ? 'yes' : 'NO'}`);
  return lines.join('\n');
}

export function haCompareHtmlReport(result: HaCompareResult): HtmlReport {
  return {
    title: `HA against classic: ${result.machine.cpus} x ${result.machine.cpuModel}`,
    text: formatHaCompare(result),
    figures: [...new Set(result.legs.map((l) => l.name))].map((name) => {
      const f = meanFigures(result.legs.filter((l) => l.name === name));
      return { label: name, value: rate(f.processedPerSecond), note: `at ${rate(result.rate)}: acceptance p99 ${ms(f.atRateAcceptanceP99)}` };
    }),
    runs: result.legs.flatMap((l) => [l.saturated, l.atRate]).map((p) => ({ label: p.label, mode: p.mode, text: formatLoadSummary(p), series: p.series })),
  };
}

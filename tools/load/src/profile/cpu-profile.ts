import { readFile } from 'node:fs/promises';

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: CpuProfileNode[];
  /** Microseconds on CLOCK_MONOTONIC, the clock of process.hrtime in any process. */
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Only samples in [fromUs, toUs] (process.hrtime µs) count: the load, not the start-up. */
export interface ProfileWindow {
  fromUs: number;
  toUs: number;
}

export interface SelfTime {
  name: string;
  ms: number;
  /** Share of the busy (non-idle) time. */
  share: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  idleMs: number;
  functions: SelfTime[];
  modules: SelfTime[];
}

/** Where a frame's code lives: a package, Node's internals, or this repository's own code. */
export function moduleOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) {
    // node:internal/streams/readable groups as node:internal/streams; node:net stays itself.
    const parts = url.slice(5).split('/');
    return `node:${parts[0] === 'internal' ? parts.slice(0, 2).join('/') : parts[0]}`;
  }
  const own = /\/(services\/[^/]+|libs\/[^/]+|tools\/[^/]+)\//.exec(url);
  return own ? own[1] : url;
}

const shortUrl = (url: string) => url.replace(/^file:\/\//, '').replace(/^.*?\/(node_modules|services|libs|tools)\//, '$1/');

/**
 * Self time by function and by module from a V8 .cpuprofile (node --cpu-prof). A sample's time
 * is the gap to the next sample, as DevTools counts it.
 */
export function summarizeProfile(file: string, profile: CpuProfile, top = 20, window?: ProfileWindow): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const functions = new Map<string, number>();
  const modules = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i];
    const us = profile.timeDeltas[i + 1] ?? 0;
    const frame = byId.get(profile.samples[i]);
    if (!frame || (window && (at < window.fromUs || at > window.toUs))) continue;
    totalUs += us;
    if (frame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const name = frame.url ? `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}` : frame.functionName || '(native)';
    functions.set(name, (functions.get(name) ?? 0) + us);
    const module = moduleOf(frame.url, frame.functionName);
    modules.set(module, (modules.get(module) ?? 0) + us);
  }
  const busyUs = Math.max(1, totalUs - idleUs);
  const rank = (map: Map<string, number>): SelfTime[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, share: us / busyUs }));
  return { file, totalMs: totalUs / 1000, idleMs: idleUs / 1000, functions: rank(functions), modules: rank(modules) };
}

export async function readProfile(file: string, top?: number, window?: ProfileWindow): Promise<ProfileSummary> {
  return summarizeProfile(file, JSON.parse(await readFile(file, 'utf8')) as CpuProfile, top, window);
}

export function formatProfile(summary: ProfileSummary): string {
  const pct = (s: number) => `${(s * 100).toFixed(1).padStart(5)}%`;
  const busy = summary.totalMs - summary.idleMs;
  return [
    `${summary.file}: ${(summary.totalMs / 1000).toFixed(1)} s profiled, ${(busy / 1000).toFixed(1)} s busy (${((busy / Math.max(1, summary.totalMs)) * 100).toFixed(0)}%)`,
    '  self time by module (share of busy time):',
    ...summary.modules.map((m) => `    ${pct(m.share)}  ${m.name}`),
    '  self time by function:',
    ...summary.functions.map((f) => `    ${pct(f.share)}  ${f.name}`),
  ].join('\n');
}

import { readFileSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import type { ProbeSample, ResourceProbe } from './probe';

// USER_HZ is 100 on every Linux architecture Node runs on; /proc reports CPU time in those ticks.
const TICKS_PER_SECOND = 100;

async function cpuSecondsOf(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!stat) return undefined;
  // The command name may hold spaces and parentheses, so fields are counted from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

async function statusKb(pid: number, key: 'VmRSS' | 'VmHWM'): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const match = status && new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** One process we know the pid of (a service we spawned). */
export function pidProbe(name: string, pidOf: () => number | undefined): ResourceProbe {
  return {
    name,
    async sample() {
      const pid = pidOf();
      const cpuSeconds = pid && (await cpuSecondsOf(pid));
      if (!pid || cpuSeconds === undefined) return undefined;
      return { cpuSeconds, rssBytes: await statusKb(pid, 'VmRSS') };
    },
    async resetPeak() {
      const pid = pidOf();
      // "5" resets VmHWM to the current RSS; harmless where the kernel refuses it.
      if (pid) await writeFile(`/proc/${pid}/clear_refs`, '5').catch(() => undefined);
    },
    async peakRssBytes() {
      const pid = pidOf();
      return pid ? statusKb(pid, 'VmHWM') : undefined;
    },
  };
}

/** A process that writes its pid to a file (a RabbitMQ node); read again at each sample, as it may restart. */
export function pidFileProbe(name: string, pidFile: string): ResourceProbe {
  let pid: number | undefined;
  const probe = pidProbe(name, () => pid);
  const refresh = () => {
    const text = readFileSyncOrEmpty(pidFile).trim();
    pid = /^\d+$/.test(text) ? Number(text) : undefined;
  };
  return {
    name,
    sample: async () => (refresh(), probe.sample()),
    resetPeak: async () => (refresh(), probe.resetPeak?.()),
    peakRssBytes: async () => (refresh(), probe.peakRssBytes?.()),
  };
}

const readFileSyncOrEmpty = (file: string): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

/**
 * Every process with this command name (postgres backends, RabbitMQ's beam.smp). CPU is summed
 * per pid, keeping the last value of processes that exited, so the total never goes backwards.
 * RSS is summed only when asked: postgres backends share their buffers, so their sum means nothing.
 * Each pid's command name is read once: the scan runs every second while the load tool shares
 * the machine with what it measures, so it reads only what it reports.
 */
export function commandProbe(
  name: string,
  command: string,
  { rss = true, argsInclude }: { rss?: boolean; argsInclude?: string } = {},
): ResourceProbe {
  const lastCpu = new Map<number, number>();
  const matches = new Map<number, boolean>();
  return {
    name,
    async sample(): Promise<ProbeSample | undefined> {
      let rssBytes = 0;
      const alive = new Set<number>();
      for (const entry of await readdir('/proc')) {
        const pid = Number(entry);
        if (!Number.isInteger(pid)) continue;
        alive.add(pid);
        if (!matches.has(pid)) matches.set(pid, await isMatch(pid, command, argsInclude));
        if (!matches.get(pid)) continue;
        const cpu = await cpuSecondsOf(pid);
        if (cpu !== undefined) lastCpu.set(pid, cpu);
        if (rss) rssBytes += (await statusKb(pid, 'VmRSS')) ?? 0;
      }
      // A pid that is gone may come back as another program.
      for (const pid of matches.keys()) if (!alive.has(pid)) matches.delete(pid);
      if (lastCpu.size === 0) return undefined;
      let cpuSeconds = 0;
      for (const cpu of lastCpu.values()) cpuSeconds += cpu;
      return { cpuSeconds, rssBytes: rss ? rssBytes : undefined };
    },
  };
}

/** The command name is `command` and, when asked, the command line (or process title) holds `argsInclude`. */
async function isMatch(pid: number, command: string, argsInclude?: string): Promise<boolean> {
  if ((await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim() !== command) return false;
  if (argsInclude === undefined) return true;
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).includes(argsInclude);
}

/** All CPUs of the machine, busy time only (not idle, not iowait). */
export function machineProbe(): ResourceProbe {
  return {
    name: 'machine (all)',
    async sample() {
      const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0];
      const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
      return { cpuSeconds: (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND };
    },
  };
}

/** The load tool itself: it shares the two cores with what it measures. */
export function selfProbe(): ResourceProbe {
  return {
    name: 'load tool',
    async sample() {
      const { user, system } = process.cpuUsage();
      return { cpuSeconds: (user + system) / 1e6, rssBytes: process.memoryUsage.rss() };
    },
    peakRssBytes: () => statusKb(process.pid, 'VmHWM'),
  };
}

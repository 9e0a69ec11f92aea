import type { ResourceProbe } from './probe';

const valueOf = (text: string, name: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};

/**
 * A service we did not start (npm start's): its own prom-client process metrics tell its CPU
 * time and resident memory, so no pid hunting is needed. Peak RSS is then the peak of samples.
 */
export function metricsProbe(name: string, baseUrl: string): ResourceProbe {
  return {
    name,
    async sample() {
      try {
        const res = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(2000) });
        if (!res.ok) return undefined;
        const text = await res.text();
        const cpuSeconds = valueOf(text, 'process_cpu_seconds_total');
        return cpuSeconds === undefined ? undefined : { cpuSeconds, rssBytes: valueOf(text, 'process_resident_memory_bytes') };
      } catch {
        return undefined;
      }
    },
  };
}

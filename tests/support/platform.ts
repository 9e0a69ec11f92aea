import path from 'node:path';
import { freePort } from './ports';
import { services, testEnv } from './local-env';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Supervisor } = require('../../scripts/lib/supervisor.js');

export interface RunningPlatform {
  gatewayUrl: string;
  ports: Record<string, number>;
  pid(service: string): number | undefined;
  output(): string;
  stop(): Promise<void>;
}

const root = path.resolve(__dirname, '..', '..');

/** Starts the four services from their build output as separate processes, like npm start does. */
export async function startPlatform(extraEnv: Record<string, Record<string, string>> = {}): Promise<RunningPlatform> {
  const ports: Record<string, number> = {};
  for (const service of services) ports[service] = await freePort();
  const lines: string[] = [];
  const output = { write: (line: string) => lines.push(line) };
  const supervisor = new Supervisor({ root, output });
  for (const service of services) supervisor.start(service, testEnv(service, { ports, extra: extraEnv[service] }));

  const running: RunningPlatform = {
    gatewayUrl: `http://127.0.0.1:${ports['api-gateway']}`,
    ports,
    pid: (service) => supervisor.pid(service),
    output: () => lines.join(''),
    stop: () => supervisor.stop(),
  };
  try {
    await Promise.all(services.map((s) => waitReady(`http://127.0.0.1:${ports[s]}/readyz`)));
  } catch (err) {
    await running.stop();
    throw new Error(`${(err as Error).message}\n${running.output().slice(-4000)}`);
  }
  return running;
}

export async function waitReady(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms`);
}

import path from 'node:path';
import { freePort } from './ports';
import { waitFor } from './poll';
import { profileEnv, services, type Profile } from './local-env';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Supervisor } = require('../../../scripts/lib/supervisor.js');

export interface PlatformOptions {
  /** Extra environment per service, and for all of them under '*'. */
  env?: Record<string, Record<string, string>>;
  /** Additional order-management replicas, named order-management-2, -3, ... */
  extraOrderManagers?: number;
  /** Which broker and database: the test slot's (default) or the HA topology's (npm run ha). */
  profile?: Profile;
}

export interface RunningPlatform {
  gatewayUrl: string;
  supervisor: any;
  ports: Record<string, number>;
  pid(service: string): number | undefined;
  output(): string;
  stop(): Promise<void>;
}

const root = path.resolve(__dirname, '..', '..', '..');

/** Starts the four services from their build output as separate processes, like npm start does. */
export async function startPlatform({ env = {}, extraOrderManagers = 0, profile = 'test' }: PlatformOptions = {}): Promise<RunningPlatform> {
  const ports: Record<string, number> = {};
  for (const service of services) ports[service] = await freePort();
  const lines: string[] = [];
  const output = { write: (line: string) => lines.push(line) };
  const supervisor = new Supervisor({ root, output });
  const envFor = (service: string, extra: Record<string, string> = {}) =>
    profileEnv(profile, service, { ports, extra: { ...env['*'], ...env[service], ...extra } });
  for (const service of services) supervisor.start(service, envFor(service));
  const readiness = services.map((s) => `http://127.0.0.1:${ports[s]}/readyz`);
  for (let i = 2; i <= extraOrderManagers + 1; i += 1) {
    const port = await freePort();
    supervisor.start(`order-management-${i}`, envFor('order-management', { HTTP_PORT: String(port) }), { service: 'order-management' });
    readiness.push(`http://127.0.0.1:${port}/readyz`);
  }

  const running: RunningPlatform = {
    gatewayUrl: `http://127.0.0.1:${ports['api-gateway']}`,
    ports,
    supervisor,
    pid: (service) => supervisor.pid(service),
    output: () => lines.join(''),
    stop: () => supervisor.stop(),
  };
  try {
    await Promise.all(readiness.map((url) => waitReady(url)));
  } catch (err) {
    await running.stop();
    throw new Error(`${(err as Error).message}\n${running.output().slice(-4000)}`);
  }
  return running;
}

export async function waitReady(url: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(() => fetch(url).then((r) => r.ok, () => false), { timeoutMs, intervalMs: 200, what: `${url} ready` });
}

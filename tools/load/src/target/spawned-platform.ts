import { pidProbe } from '../probes/proc-probes';
import type { ResourceProbe } from '../probes/probe';
import { machineProbe, selfProbe } from '../probes/proc-probes';
import { brokerUrl, localEnv, ordersDatabaseUrl, repoRoot, Supervisor, type ServiceName, type SpawnProfile, type SupervisorLike } from '../repo';
import { freePort } from './free-port';
import { haBrokerUrl, haClusters, haDatabaseUrl, haProbes } from './ha-topology';
import { sharedProbes } from './running-platform';
import type { Target } from './target';

export type ServiceEnv = Partial<Record<ServiceName, Record<string, string>>>;

export async function waitReady(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fetch(url).then((r) => r.ok, () => false)) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

/**
 * The four services from their build output in the test profile (vhost platform-test, *_test
 * databases) on free ports, the way npm test starts them, but npm-free and with one supervisor
 * per service so one can be restarted with other settings (the naive pipeline, a profiler).
 * Crashed services are not restarted: a benchmark must show a crash, not smooth it over.
 * With profile 'ha' they run on npm run ha's three nodes (quorum queues) and primary/standby pair,
 * which must be up, and the probes measure each node and both clusters.
 */
export class SpawnedPlatform implements Target {
  readonly ordersDatabaseUrl: string;
  readonly brokerUrl: string;
  private readonly sharedProbes: () => ResourceProbe[];
  private readonly supervisors = new Map<ServiceName, SupervisorLike>();
  private readonly tail: string[] = [];

  private constructor(
    readonly profile: SpawnProfile,
    private readonly ports: Record<ServiceName, number>,
    private readonly echo: boolean,
  ) {
    if (profile === 'ha') {
      const clusters = haClusters();
      this.ordersDatabaseUrl = haDatabaseUrl(clusters[0]);
      this.brokerUrl = haBrokerUrl();
      this.sharedProbes = () => [...haProbes(clusters), selfProbe(), machineProbe()];
    } else {
      this.ordersDatabaseUrl = ordersDatabaseUrl('test');
      this.brokerUrl = brokerUrl('test');
      this.sharedProbes = () => sharedProbes('test');
    }
  }

  static async start(options: { profile?: SpawnProfile; env?: ServiceEnv; echo?: boolean; nodeArgs?: string[] } = {}): Promise<SpawnedPlatform> {
    const ports = {} as Record<ServiceName, number>;
    for (const service of localEnv.services) ports[service] = await freePort();
    const platform = new SpawnedPlatform(options.profile ?? 'test', ports, options.echo ?? false);
    try {
      await Promise.all(localEnv.services.map((s) => platform.startService(s, options.env?.[s] ?? {}, options.nodeArgs)));
    } catch (err) {
      await platform.close();
      throw err;
    }
    return platform;
  }

  get gatewayUrl(): string {
    return `http://127.0.0.1:${this.ports['api-gateway']}`;
  }

  pid(service: ServiceName): number | undefined {
    return this.supervisors.get(service)?.pid(service);
  }

  /** Stops one service gracefully (it drains and acks) and starts it again with `extra` env. */
  async restart(service: ServiceName, extra: Record<string, string> = {}, nodeArgs: string[] = []): Promise<void> {
    await this.supervisors.get(service)?.stop();
    await this.startService(service, extra, nodeArgs);
  }

  /** Stops every service gracefully (restart starts one again), e.g. while other instances use the broker's queues. */
  async stopServices(): Promise<void> {
    await Promise.all([...this.supervisors.values()].map((s) => s.stop()));
  }

  /** Throws, with the services' last output, when one of them has died. */
  assertAlive(): void {
    const dead = localEnv.services.filter((s) => this.pid(s) === undefined);
    if (dead.length > 0) throw new Error(`${dead.join(', ')} died during the run:\n${this.output()}`);
  }

  output(): string {
    return this.tail.join('');
  }

  probes(): ResourceProbe[] {
    return [...localEnv.services.map((s) => pidProbe(s, () => this.pid(s))), ...this.sharedProbes()];
  }

  async close(): Promise<void> {
    await this.stopServices();
  }

  private async startService(service: ServiceName, extra: Record<string, string>, nodeArgs: string[] = []): Promise<void> {
    const output = {
      write: (line: string) => {
        this.tail.push(line);
        if (this.tail.length > 200) this.tail.shift();
        if (this.echo) process.stderr.write(line);
      },
    };
    const supervisor = new Supervisor({ root: repoRoot, output, restart: false });
    this.supervisors.set(service, supervisor);
    supervisor.start(service, localEnv.serviceEnv(service, { profile: this.profile, ports: this.ports, extra }), { nodeArgs });
    if (!(await waitReady(`http://127.0.0.1:${this.ports[service]}/readyz`, 60_000))) {
      throw new Error(`${service} was not ready within 60 s:\n${this.output()}`);
    }
  }
}

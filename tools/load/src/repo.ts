import path from 'node:path';

/** The repository root, the same from src/ (Jest) and dist/ (node). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');

export type Profile = 'dev' | 'test';
/** What the load tool can start services on: the test profile, or the HA topology of npm run ha. */
export type SpawnProfile = 'test' | 'ha';
export type ServiceName = 'api-gateway' | 'order-management' | 'customer-service' | 'inventory-service';

interface Infrastructure {
  rabbitmq: { node: string; port: number; managementPort: number; vhost: string; pidFile?: string };
  postgres: { cluster: string; port: number };
}

export interface HaInfrastructure {
  rabbitmq: { nodes: Array<{ node: string; port: number }>; vhost: string };
  postgres: { clusters: Array<{ cluster: string; port: number }> };
  servicePorts: Record<ServiceName, number>;
}

interface LocalEnv {
  services: ServiceName[];
  infrastructure: Record<Profile, Infrastructure>;
  haInfrastructure: HaInfrastructure;
  haEnv(): Record<string, string>;
  defaultPorts: Record<ServiceName, number>;
  devIdentity: { signDevToken(claims: { sub: string; role: 'customer' | 'admin'; expiresIn?: number }): Promise<string> };
  serviceEnv(
    service: ServiceName,
    options?: { profile?: Profile | 'ha'; ports?: Record<string, number>; env?: Record<string, string | undefined>; extra?: Record<string, string> },
  ): Record<string, string>;
}

export interface SupervisorLike {
  /** nodeArgs go before the entry point (e.g. --cpu-prof, which NODE_OPTIONS does not allow). */
  /** `name` tells instances apart; `service` (default: the name) is the service it runs. */
  start(name: string, env: Record<string, string>, options?: { service?: ServiceName; nodeArgs?: string[] }): void;
  pid(name: string): number | undefined;
  stop(graceMs?: number): Promise<void>;
}

interface SupervisorModule {
  Supervisor: new (options: { root: string; output?: { write(line: string): unknown }; restart?: boolean }) => SupervisorLike;
}

// The local environment and the supervisor are the ones npm start and npm test use, so the
// load tool runs the services exactly as they do (plain JS there: it runs before the build).
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const localEnv = require(path.join(repoRoot, 'scripts', 'lib', 'local-env.js')) as LocalEnv;
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const { Supervisor } = require(path.join(repoRoot, 'scripts', 'lib', 'supervisor.js')) as SupervisorModule;

export const serviceDir = (service: ServiceName): string => path.join(repoRoot, 'services', service);
export const ordersDatabaseUrl = (profile: Profile): string => localEnv.serviceEnv('order-management', { profile }).DATABASE_URL;
export const brokerUrl = (profile: Profile): string => localEnv.serviceEnv('api-gateway', { profile }).RABBITMQ_URL;

// The same per-service environment npm start and npm test use, in the test profile.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const localEnv = require('../../../scripts/lib/local-env.js') as {
  services: string[];
  serviceEnv: (service: string, options?: { profile?: string; ports?: Record<string, number>; extra?: Record<string, string> }) => Record<string, string>;
  devIdentity: DevIdentity;
  infrastructure: Record<'dev' | 'test', TestInfrastructure>;
  haInfrastructure: HaInfrastructure;
  haEnv: () => Record<string, string>;
};

export interface DevIdentity {
  issuer: string;
  audience: string;
  DEV_HS256_SECRET: string;
  ensureDevKeys(): { signingKeyFile: string; jwksFile: string };
  signDevToken(claims: { sub: string; role: 'customer' | 'admin'; expiresIn?: number; hs256?: boolean }): Promise<string>;
}

interface HaInfrastructure {
  rabbitmq: { nodes: Array<{ node: string; port: number; managementPort: number; prometheusPort: number }>; vhost: string };
  postgres: { clusters: Array<{ cluster: string; port: number }> };
}

/** 'test': the test slot's node and cluster; 'ha': the three nodes and the primary/standby of npm run ha. */
export type Profile = 'test' | 'ha';

interface TestInfrastructure {
  rabbitmq: { node: string; port: number; managementPort: number; prometheusPort: number; vhost: string; pidFile?: string };
  postgres: { cluster: string; port: number };
}

export const services = localEnv.services;
export const testEnv = (service: string, options: { ports?: Record<string, number>; extra?: Record<string, string> } = {}) =>
  localEnv.serviceEnv(service, { profile: 'test', ...options });
export const devIdentity = localEnv.devIdentity;
/** A service's environment in either profile. */
export const profileEnv = (profile: Profile, service: string, options: { ports?: Record<string, number>; extra?: Record<string, string> } = {}) =>
  localEnv.serviceEnv(service, { profile, ...options });
/** The HA topology (scripts/ha/ha.sh), and the environment that script reads. */
export const haInfrastructure = localEnv.haInfrastructure;
export const haEnv = localEnv.haEnv;
export const BROKER_URL = testEnv('api-gateway').RABBITMQ_URL;
/** The test profile's own RabbitMQ node and PostgreSQL cluster (scripts/infra.sh test). */
export const testInfrastructure = localEnv.infrastructure.test;

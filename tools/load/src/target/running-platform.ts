import { commandProbe, machineProbe, pidFileProbe, selfProbe } from '../probes/proc-probes';
import { metricsProbe } from '../probes/metrics-probe';
import type { ResourceProbe } from '../probes/probe';
import { brokerUrl, localEnv, ordersDatabaseUrl, type Profile } from '../repo';
import type { Target } from './target';

/** The profile's RabbitMQ node: by its pid file where it has one of its own, else every beam.smp. */
export const brokerProbe = (profile: Profile): ResourceProbe => {
  const { pidFile } = localEnv.infrastructure[profile].rabbitmq;
  return pidFile ? pidFileProbe('rabbitmq', pidFile) : commandProbe('rabbitmq', 'beam.smp');
};

/** The profile's PostgreSQL cluster: its processes name their cluster (Debian sets cluster_name). */
export const databaseProbe = (profile: Profile): ResourceProbe => {
  const { cluster } = localEnv.infrastructure[profile].postgres;
  return commandProbe('postgres (all)', 'postgres', { rss: false, argsInclude: cluster ? `/${cluster}` : undefined });
};

/** Probes every machine-local target shares: the broker, the database, the tool, the machine. */
export const sharedProbes = (profile: Profile): ResourceProbe[] => [brokerProbe(profile), databaseProbe(profile), selfProbe(), machineProbe()];

/** The platform npm start runs (or another one on the default ports), measured through /metrics. */
export function runningPlatform(profile: Profile, gatewayUrl?: string): Target {
  const { defaultPorts, services } = localEnv;
  return {
    profile,
    gatewayUrl: gatewayUrl ?? `http://127.0.0.1:${defaultPorts['api-gateway']}`,
    ordersDatabaseUrl: ordersDatabaseUrl(profile),
    brokerUrl: brokerUrl(profile),
    probes: () => [...services.map((s) => metricsProbe(s, `http://127.0.0.1:${defaultPorts[s]}`)), ...sharedProbes(profile)],
    close: async () => undefined,
  };
}

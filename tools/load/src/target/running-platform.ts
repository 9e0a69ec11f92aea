import { commandProbe, machineProbe, selfProbe } from '../probes/proc-probes';
import { metricsProbe } from '../probes/metrics-probe';
import type { ResourceProbe } from '../probes/probe';
import { brokerUrl, localEnv, ordersDatabaseUrl, type Profile } from '../repo';
import type { Target } from './target';

/** Probes every machine-local target shares: the broker, the database, the tool, the machine. */
export const sharedProbes = (): ResourceProbe[] => [
  commandProbe('rabbitmq', 'beam.smp'),
  commandProbe('postgres (all)', 'postgres', { rss: false }),
  selfProbe(),
  machineProbe(),
];

/** The platform npm start runs (or another one on the default ports), measured through /metrics. */
export function runningPlatform(profile: Profile, gatewayUrl?: string): Target {
  const { defaultPorts, services } = localEnv;
  return {
    profile,
    gatewayUrl: gatewayUrl ?? `http://127.0.0.1:${defaultPorts['api-gateway']}`,
    ordersDatabaseUrl: ordersDatabaseUrl(profile),
    brokerUrl: brokerUrl(profile),
    probes: () => [...services.map((s) => metricsProbe(s, `http://127.0.0.1:${defaultPorts[s]}`)), ...sharedProbes()],
    close: async () => undefined,
  };
}

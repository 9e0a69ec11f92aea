import { ConfigError } from './config';

/**
 * Named points where the fault suite may crash or slow a service. Services call them at the
 * exact steps a fault must hit; unless a FAULT_* switch is set they do nothing, and the module
 * that implements them (faults.ts) is not even loaded.
 */
export interface FaultHooks {
  /** A crash point: kill -9 of this process at this step, when the suite armed it. */
  hit(point: string): void;
  /** A call the suite may slow down (FAULT_SLOW_<NAME>_MS every FAULT_SLOW_EVERY-th call). */
  slow<I, O>(name: string, work: (input: I) => Promise<O>): (input: I) => Promise<O>;
}

export const noFaults: FaultHooks = { hit: () => undefined, slow: (_name, work) => work };

type Env = Record<string, string | undefined>;

/**
 * The fault hooks the environment asks for. Any FAULT_* switch in production is a configuration
 * error (the service exits 78 through configOrExit); `points` lists the crash points the service has.
 */
export function faultHooksFrom(env: Env, points: readonly string[] = []): FaultHooks {
  const asked = Object.keys(env).filter((key) => key.startsWith('FAULT_') && env[key] !== undefined);
  if (asked.length === 0) return noFaults;
  if (env.NODE_ENV === 'production') throw new ConfigError(asked.map((key) => `"${key}" is refused in production: fault injection is for the fault suite`));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createFaultHooks } = require('./faults') as typeof import('./faults');
  return createFaultHooks(env, points);
}

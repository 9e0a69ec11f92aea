import { existsSync, writeFileSync } from 'node:fs';
import Joi from 'joi';
import { ConfigError } from './config';
import type { FaultHooks } from './fault-hooks';

/**
 * Fault injection for the fault suite, loaded only when a FAULT_* switch is set (fault-hooks.ts):
 * - crash points: FAULT_POINT names the step at which the process kills itself with SIGKILL (which
 *   no signal from outside can time that exactly), at its FAULT_AFTER-th pass; with FAULT_MARKER,
 *   only if that file does not exist yet, and it is created: one crash per arming;
 * - slow calls: FAULT_SLOW_<NAME>_MS delays every FAULT_SLOW_EVERY-th call of the named work.
 */
export function createFaultHooks(env: Record<string, string | undefined>, points: readonly string[]): FaultHooks {
  const schema = Joi.object({
    FAULT_POINT: points.length > 0 ? Joi.string().valid(...points) : Joi.string(),
    FAULT_AFTER: Joi.number().integer().min(1).default(1),
    FAULT_MARKER: Joi.string(),
    FAULT_SLOW_EVERY: Joi.number().integer().min(1).default(1),
  }).pattern(/^FAULT_SLOW_[A-Z_]+_MS$/, Joi.number().integer().min(0));
  const faultKeys = Object.fromEntries(Object.entries(env).filter(([key]) => key.startsWith('FAULT_')));
  const { value, error } = schema.validate(faultKeys, { abortEarly: false, convert: true });
  if (error) throw new ConfigError(error.details.map((d) => d.message));

  let hits = 0;
  return {
    hit(point) {
      if (point !== value.FAULT_POINT) return;
      hits += 1;
      if (hits < value.FAULT_AFTER) return;
      if (value.FAULT_MARKER) {
        if (existsSync(value.FAULT_MARKER)) return;
        writeFileSync(value.FAULT_MARKER, `${point} ${new Date().toISOString()}\n`);
      }
      process.kill(process.pid, 'SIGKILL');
    },
    slow(name, work) {
      const ms: number = value[`FAULT_SLOW_${name.toUpperCase()}_MS`] ?? 0;
      if (ms === 0) return work;
      let calls = 0;
      return async (input) => {
        const result = await work(input);
        calls += 1;
        if (calls % value.FAULT_SLOW_EVERY === 0) await new Promise((resolve) => setTimeout(resolve, ms));
        return result;
      };
    },
  };
}

import { expectKeptPromise, runScenario } from '../faults/support/scenario';
import { full, haCases } from './scenarios';
import { ha } from './support/ha';

// npm run test:ha (scripts/ha/test.mjs) starts the topology; each scenario finds it whole.
describe('delivery guarantees of the HA topology under faults', () => {
  const only = process.env.HA_ONLY;
  for (const { id, scenario, verify } of haCases(full).filter((c) => !only || c.id.includes(only))) {
    it(`when ${id}, then nothing is lost, duplicated or oversold`, async () => {
      await ha('up');
      const result = await runScenario(scenario);
      expectKeptPromise(result);
      await verify?.(result);
    }, 600_000);
  }
});

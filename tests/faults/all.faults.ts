import { faultCases, full } from './scenarios';
import { expectKeptPromise, runScenario } from './support/scenario';

describe('delivery guarantees under faults', () => {
  for (const { id, scenario, verify } of faultCases(full)) {
    it(`when ${id}, then nothing is lost, duplicated or oversold`, async () => {
      const result = await runScenario(scenario);
      expectKeptPromise(result);
      await verify?.(result);
    }, 300_000);
  }
});

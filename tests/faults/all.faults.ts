import { faultCases, full, type FaultCase, type Size } from './scenarios';
import { expectKeptPromise, runScenario } from './support/scenario';

// Set by scripts/faults.mjs: --only (a part of a scenario's id or name), --repeat (runs of each),
// --rate (orders a second; the number of orders follows, so the traffic lasts as long as at the default).
const only = process.env.FAULTS_ONLY?.toLowerCase();
const repeat = Number(process.env.FAULTS_REPEAT ?? 1);
const rate = process.env.FAULTS_RATE ? Number(process.env.FAULTS_RATE) : full.rate;
const size: Size = { ...full, rate, orders: Math.round((full.orders * rate) / full.rate) };

const matches = (c: FaultCase) => !only || c.id.toLowerCase().includes(only) || c.scenario.name.toLowerCase().includes(only);
const selected = faultCases(size).filter(matches).map((c) => c.id);

describe('delivery guarantees under faults', () => {
  if (selected.length === 0) {
    it(`when --only ${only} names a scenario, then it runs`, () => {
      throw new Error(`no scenario's id or name contains "${only}"; ids: ${faultCases(size).map((c) => c.id).join(', ')}`);
    });
  }
  for (const id of selected) {
    for (let run = 1; run <= repeat; run += 1) {
      it(`when ${id}${repeat > 1 ? ` (run ${run}/${repeat})` : ''}, then nothing is lost, duplicated or oversold`, async () => {
        // Fresh cases per run: a case keeps state between its steps (a proxy, a crash marker).
        const { scenario, verify } = faultCases(size).find((c) => c.id === id)!;
        const result = await runScenario(scenario, { run, runs: repeat });
        expectKeptPromise(result);
        await verify?.(result);
      }, 300_000);
    }
  }
});

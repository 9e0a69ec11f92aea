import { randomInt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { figures, runSchemathesis, startFuzzPlatform, type FuzzPlatform } from './run';

/**
 * npm run test:fuzz: the schemathesis run of tests/fuzz/schemathesis.test.ts at length, with the
 * coverage phase (boundary and negative values of every parameter, about two minutes) and a random
 * seed, printed first. FUZZ_SEED=<seed> repeats a run; FUZZ_MAX_EXAMPLES sizes it.
 */
const seed = Number(process.env.FUZZ_SEED ?? randomInt(1, 2 ** 31));
const maxExamples = Number(process.env.FUZZ_MAX_EXAMPLES ?? 1700);
const reports = path.resolve(__dirname, '..', '..', 'reports');

let fuzz: FuzzPlatform;

beforeAll(async () => {
  process.stdout.write(`schemathesis seed ${seed} (FUZZ_SEED=${seed} npm run test:fuzz repeats this run)\n`);
  fuzz = await startFuzzPlatform();
}, 60_000);

afterAll(async () => {
  await fuzz?.platform.stop();
});

it('when twenty thousand generated requests go through every operation, then no check fails', async () => {
  const result = await runSchemathesis(fuzz, { seed, maxExamples, phases: ['coverage', 'fuzzing', 'stateful'], reportDir: path.join(reports, 'schemathesis-long') });
  process.stdout.write(`${result.command}\n${result.output}\n${figures(result)}\n`);
  const { output, ...summary } = result;
  writeFileSync(path.join(reports, 'fuzz.json'), `${JSON.stringify({ date: new Date().toISOString(), maxExamples, ...summary, probes: summary.probes.length }, null, 2)}\n`);

  expect({ exitCode: result.exitCode, report: result.exitCode === 0 ? '' : output }).toEqual({ exitCode: 0, report: '' });
  expect(result.testCases).toBeGreaterThanOrEqual(20_000);
  expect(result.probes.filter((p) => p.status !== 404)).toEqual([]);
});

import path from 'node:path';
import { figures, runSchemathesis, startFuzzPlatform, type FuzzPlatform } from './run';

/**
 * Schemathesis against the running platform, from the document the gateway serves: every operation,
 * positive and negative data, the stateful phase along the document's links (create a product,
 * order it, read the order, cancel it), the checks in tests/fuzz/schemathesis.toml and the
 * cross-customer read check of tests/fuzz/hooks.py. A fixed seed, so a failure here is reproducible;
 * `npm run test:fuzz` runs a long one with a random seed.
 */
const SEED = 20261203;
const reportDir = path.resolve(__dirname, '..', '..', 'reports', 'schemathesis');

let fuzz: FuzzPlatform;

beforeAll(async () => {
  fuzz = await startFuzzPlatform();
}, 60_000);

afterAll(async () => {
  await fuzz?.platform.stop();
});

describe('schemathesis against the gateway', () => {
  it('when a thousand generated requests go through every operation, then no check fails', async () => {
    const result = await runSchemathesis(fuzz, { seed: SEED, maxExamples: 80, phases: ['fuzzing', 'stateful'], reportDir });
    process.stdout.write(`${result.command}\n${result.output}\n${figures(result)}\n`);

    // schemathesis' report, with a curl to reproduce each failure, is the message when it fails.
    expect({ exitCode: result.exitCode, report: result.exitCode === 0 ? '' : result.output }).toEqual({ exitCode: 0, report: '' });
    expect(result.testCases).toBeGreaterThanOrEqual(1000);
    expect(result.gatewayRequests).toBeGreaterThanOrEqual(1000);
    // Every operation of the document but GET /openapi.json, which schemathesis leaves out as the schema itself.
    expect(result.operations).toBe(17);
    // The authorization check ran: orders of the first customer were read with the second's token.
    expect(result.probes.length).toBeGreaterThan(0);
    expect(result.probes.filter((p) => p.status !== 404)).toEqual([]);
  }, 180_000);
});

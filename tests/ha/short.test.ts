import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expectKeptPromise, runScenario } from '../faults/support/scenario';
import { haCases, type Size } from './scenarios';
import { ha } from './support/ha';

// The short HA scenario inside npm test: the topology of `npm run ha` (this test slot's own, see
// scripts/lib/local-env.js) comes up (about a minute), the place-order queue's leader is killed,
// then the database primary, each under 20 s of traffic, and it goes down again (about two
// minutes in all). `npm run test:ha` runs every HA scenario, larger.
const short: Size = { orders: 600, rate: 30, faultAtMs: 5000 };
const root = path.resolve(__dirname, '../..');

beforeAll(async () => {
  await ha('up');
  await promisify(execFile)(process.execPath, ['-e', "require('./scripts/lib/steps.js').migrate('ha')"], { cwd: root, env: process.env });
}, 420_000);

afterAll(async () => {
  if (!process.env.KEEP_INFRA) await ha('down');
}, 180_000);

describe('delivery guarantees of the HA topology under faults (short)', () => {
  for (const { id, scenario, verify } of haCases(short).filter((c) => c.id.startsWith('kill -9'))) {
    it(`when ${id}, then nothing is lost, duplicated or oversold`, async () => {
      const result = await runScenario(scenario);
      expectKeptPromise(result);
      await verify?.(result);
    }, 300_000);
  }
});

import { faultCases, short } from './scenarios';
import { expectKeptPromise, runScenario } from './support/scenario';

// The short fault suite inside npm test; `npm run test:faults` runs every scenario, larger.
const picked = [
  'kill -9 order-management after-commit-before-ack',
  'RabbitMQ stopped and started',
  'poison messages',
  'valid but unstorable orders mixed into batches',
  'duplicate deliveries and replay',
];

describe('delivery guarantees under faults (short)', () => {
  for (const { id, scenario, verify } of faultCases(short).filter((c) => picked.includes(c.id))) {
    it(`when ${id}, then nothing is lost, duplicated or oversold`, async () => {
      const result = await runScenario(scenario);
      expectKeptPromise(result);
      await verify?.(result);
    }, 180_000);
  }
});

import fc from 'fast-check';
import { placeOrderCommandSchema, type PlaceOrderCommand } from '@shop/contracts';
import { demoProductId } from '@shop/demo-data';
import { createPlaceOrder } from '../src/domain/place-order.use-case';
import { createOrderIds } from '../src/domain/order-ids';
import { placeOrderBody } from '../src/entry-points/http/orders.routes';

// Drift between the gateway's body schema (joi, orders.routes.ts) and order-management's compiled
// command schema would accept an order that order-management then dead-letters. The gateway's own
// schema and its own place-order use case build each command; order-management's schema judges it.
// FUZZ_SEED replays a run (the seed is printed either way); FUZZ_RUNS sets the number of bodies.
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const numRuns = Number(process.env.FUZZ_RUNS ?? 2000);
process.stdout.write(`gateway/order-management command contract: FUZZ_SEED=${seed}\n`);

async function commandFor(body: { items: PlaceOrderCommand['items']; shippingAddress?: PlaceOrderCommand['shippingAddress'] }): Promise<unknown> {
  let sent: PlaceOrderCommand | undefined;
  const placeOrder = createPlaceOrder({
    commands: { placeOrder: async (command) => void (sent = command) },
    idempotency: { claimIdempotencyKey: async () => { throw new Error('no Idempotency-Key in this test'); } },
    clock: { now: () => new Date() },
    ids: createOrderIds('contract-test-secret-of-at-least-32-characters'),
  });
  await placeOrder({ caller: { customerId: '0190a1b2-0000-7000-8000-00000000000a', role: 'customer' }, ...body });
  return JSON.parse(JSON.stringify(sent));
}

const accepted = async (raw: unknown): Promise<{ command?: unknown }> => {
  const { value, error } = placeOrderBody.validate(raw, { abortEarly: false });
  return error ? {} : { command: await commandFor(value) };
};

// Mostly values the gateway accepts (some after conversion), with the edge cases mixed in.
const mostly = <T>(usual: T[], edges: T[]) => fc.oneof({ arbitrary: fc.constantFrom(...usual), weight: 9 }, { arbitrary: fc.constantFrom(...usual, ...edges), weight: 1 });
const productId = mostly([demoProductId(1), demoProductId(2), demoProductId(3)], [demoProductId(3).toUpperCase(), ` ${demoProductId(4)}`, `{${demoProductId(5)}}`, demoProductId(6).replace(/-/g, ''), 'nope']);
const quantity = mostly<unknown>([1, 2, 1000, '3'], [1001, 0, -1, 1.5, null]);
const text = mostly<unknown>(['Main St 1', '  padded  ', 'x'.repeat(200), 'Straße 7 🚚'], ['', ' ', 'x'.repeat(201), 42]);
const country = mostly<unknown>(['DE', 'FR'], ['de', ' FR ', 'x1', 'DEU', 'D']);
const address = fc.record({ line1: text, line2: text, city: text, postalCode: text, country }, { requiredKeys: ['line1', 'city', 'postalCode', 'country'] });
const item = fc.record({ productId, quantity });
const items = fc.oneof(
  { arbitrary: fc.uniqueArray(item, { selector: (i) => i.productId, minLength: 1, maxLength: 3 }), weight: 9 },
  { arbitrary: fc.array(item, { maxLength: 101 }), weight: 1 },
);
const body = fc.record(
  { items, shippingAddress: address },
  { requiredKeys: ['items'] },
);

describe('the PlaceOrder command contract between the gateway and order-management', () => {
  it('when the gateway accepts an order body, then order-management accepts the command it builds from it', async () => {
    let passed = 0;
    await fc.assert(
      fc.asyncProperty(body, async (raw) => {
        const { command } = await accepted(raw);
        if (!command) return;
        passed += 1;
        expect(placeOrderCommandSchema.validate(command).error?.message).toBeUndefined();
      }),
      { seed, numRuns },
    );
    // The generator must mostly produce bodies the gateway accepts, or the property says little.
    expect(passed).toBeGreaterThan(numRuns / 10);
  });

  it('when an address holds arbitrary Unicode, then every one the gateway accepts passes order-management too', async () => {
    const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 4 }), fc.string({ unit: 'binary', maxLength: 210 }), fc.constantFrom('DE', 'de', 'Berlin'));
    const anyAddress = fc.record({ name: anyText, line1: anyText, line2: anyText, city: anyText, postalCode: anyText, country: anyText }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(anyAddress, async (shippingAddress) => {
        const { command } = await accepted({ items: [{ productId: demoProductId(1), quantity: 1 }], shippingAddress });
        if (command) expect(placeOrderCommandSchema.validate(command).error?.message).toBeUndefined();
      }),
      { seed, numRuns: numRuns + 1000 },
    );
  });

  it('when text holds a control character, a lone surrogate or a non-character, then both schemas refuse it', async () => {
    for (const bad of ['a\u0000', '\u0007', 'a\tb', '\u0085', '\ud800x', 'x\udfff', '\ufdd0', '\uffff', '\u{10fffe}']) {
      const good = { line1: 'Main St 1', city: 'Berlin', postalCode: '10115', country: 'DE' };
      const items = [{ productId: demoProductId(1), quantity: 1 }];
      expect(placeOrderBody.validate({ items, shippingAddress: { ...good, line1: bad } }).error?.message).toMatch(/control characters/);
      const command = (await commandFor({ items, shippingAddress: good })) as PlaceOrderCommand;
      expect(placeOrderCommandSchema.validate({ ...command, shippingAddress: { ...good, line1: bad } }).error?.message).toMatch(/control characters/);
    }
  });
});

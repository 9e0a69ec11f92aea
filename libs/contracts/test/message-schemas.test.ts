import { randomInt } from 'node:crypto';
import fc from 'fast-check';
import Joi from 'joi';
import { demoProductId, inventoryRpc, newId, orderLinesSchema, placeOrderCommandSchema, shippingAddressSchema } from '../src';

// The gateway's body schema is built from the same shared pieces (orders.routes.ts).
const placeOrderBody = Joi.object({ items: orderLinesSchema, shippingAddress: shippingAddressSchema }).required();

/** What the gateway publishes for a body it accepted (place-order.use-case.ts). */
const commandFor = (body: { items: unknown; shippingAddress?: unknown }) => ({
  orderId: newId(),
  customerId: newId(),
  items: body.items,
  ...(body.shippingAddress ? { shippingAddress: body.shippingAddress } : {}),
  acceptedAt: new Date().toISOString(),
});

const pick = <T>(list: T[]): T => list[randomInt(list.length)];
// Each value is either one of the first (accepted, possibly after conversion) or, one time in
// ten, any of the list: most bodies pass, and the edge cases still come up.
const value = <T>(accepted: number, list: T[]): T => (randomInt(10) === 0 ? pick(list) : list[randomInt(accepted)]);
const ids = [demoProductId(1), demoProductId(2), demoProductId(3).toUpperCase(), ` ${demoProductId(4)}`, `{${demoProductId(5)}}`, demoProductId(6).replace(/-/g, ''), 'nope'];
const quantities: unknown[] = [1, 2, 1000, '3', 1001, 0, -1, 1.5, null];
const texts: unknown[] = ['Main St 1', '  padded  ', 'x'.repeat(200), 'Straße 7 🚚', '', ' ', 'x'.repeat(201), 42];
const countries: unknown[] = ['DE', 'de', ' fr ', 'x1', 'DEU', 'D'];

function randomBody() {
  const items = Array.from({ length: value(4, [1, 2, 5, 100, 0, 101]) }, () => ({ productId: value(3, ids), quantity: value(4, quantities) }));
  if (items.length > 1 && randomInt(4) === 0) items[1] = { ...items[0] };
  const shippingAddress =
    randomInt(3) === 0
      ? undefined
      : { line1: value(4, texts), city: value(4, texts), postalCode: value(4, texts), country: value(4, countries), ...(randomInt(2) ? { line2: value(5, texts) } : {}) };
  return { items, ...(shippingAddress ? { shippingAddress } : {}) };
}

describe('compiled message schemas', () => {
  it('when the gateway accepts an order body, then order-management accepts the command built from it (2,000 random bodies)', () => {
    let accepted = 0;
    for (let i = 0; i < 2000; i++) {
      const { value, error } = placeOrderBody.validate(randomBody(), { abortEarly: false });
      if (error) continue;
      accepted++;
      const command = JSON.parse(JSON.stringify(commandFor(value)));
      expect(placeOrderCommandSchema.validate(command).error?.message).toBeUndefined();
    }
    expect(accepted).toBeGreaterThan(200);
  });

  it('when an address holds arbitrary Unicode, then every one the gateway accepts passes the schema of order-management too', () => {
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
    process.stdout.write(`address schema fuzz: FUZZ_SEED=${seed}\n`);
    const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 4 }), fc.string({ unit: 'binary', maxLength: 210 }), fc.constantFrom('DE', 'de', 'Berlin'));
    const address = fc.record({ name: anyText, line1: anyText, line2: anyText, city: anyText, postalCode: anyText, country: anyText }, { requiredKeys: [] });
    fc.assert(
      fc.property(address, (shippingAddress) => {
        const { value, error } = placeOrderBody.validate({ items: [{ productId: demoProductId(1), quantity: 1 }], shippingAddress });
        if (error) return;
        const command = JSON.parse(JSON.stringify(commandFor(value)));
        expect(placeOrderCommandSchema.validate(command).error?.message).toBeUndefined();
      }),
      { seed, numRuns: 3000 },
    );
  });

  it('when text holds a control character, a lone surrogate or a non-character, then both schemas refuse it', () => {
    for (const bad of ['a\u0000', '\u0007', 'a\tb', '\u0085', '\ud800x', 'x\udfff', '\ufdd0', '\uffff', '\u{10fffe}']) {
      const shippingAddress = { line1: bad, city: 'Berlin', postalCode: '10115', country: 'DE' };
      expect(placeOrderBody.validate({ items: [{ productId: demoProductId(1), quantity: 1 }], shippingAddress }).error?.message).toMatch(/control characters/);
      expect(placeOrderCommandSchema.validate(commandFor({ items: [{ productId: demoProductId(1), quantity: 1 }], shippingAddress })).error?.message).toMatch(/control characters/);
    }
  });

  it('when a command breaks a rule, then each broken field is named', () => {
    const command = {
      orderId: `{${newId()}}`,
      customerId: newId().toUpperCase(),
      items: [
        { productId: demoProductId(1), quantity: 2 },
        { productId: demoProductId(1), quantity: 0 },
      ],
      shippingAddress: { line1: 'Main St 1', city: 'Berlin', country: 'DEU' },
      acceptedAt: '2026-13-01T00:00:00Z',
      extra: true,
    };

    const { error } = placeOrderCommandSchema.validate(command);

    expect(error?.details.map((d) => d.path.join('.')).sort()).toEqual(
      ['acceptedAt', 'customerId', 'extra', 'items', 'items.1.quantity', 'orderId', 'shippingAddress.country', 'shippingAddress.postalCode'],
    );
    expect(error?.message).toContain('"items" contains a duplicate productId');
  });

  it('when a reserve request names an order twice, then it is refused; a valid one passes unchanged', () => {
    const order = { orderId: newId(), items: [{ productId: demoProductId(1), quantity: 1 }] };

    expect(inventoryRpc.reserve.schema.validate({ orders: [order, order] }).error?.message).toContain('"orders" contains a duplicate orderId');
    expect(inventoryRpc.reserve.schema.validate({ orders: [order] })).toEqual({ value: { orders: [order] } });
  });
});

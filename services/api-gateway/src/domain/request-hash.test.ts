import { canonicalJson, requestHash } from './request-hash';

describe('requestHash', () => {
  const body = {
    items: [
      { productId: 'a', quantity: 1 },
      { productId: 'b', quantity: 2 },
    ],
    shippingAddress: { line1: 'x', city: 'y', postalCode: 'z', country: 'DE' },
  };

  test('when the same body comes with keys in another order at every depth, then the hash is the same', () => {
    const reordered = {
      shippingAddress: { country: 'DE', postalCode: 'z', city: 'y', line1: 'x' },
      items: [
        { quantity: 1, productId: 'a' },
        { quantity: 2, productId: 'b' },
      ],
    };

    expect(requestHash(reordered)).toBe(requestHash(body));
    expect(requestHash(body)).toMatch(/^[0-9a-f]{64}$/);
  });

  test.each([
    ['a quantity differs', { ...body, items: [{ productId: 'a', quantity: 9 }, body.items[1]] }],
    ['the lines come in another order', { ...body, items: [body.items[1], body.items[0]] }],
    ['the address is missing', { items: body.items }],
    ['a value moved to another key', { ...body, shippingAddress: { ...body.shippingAddress, line1: 'y', city: 'x' } }],
  ])('when %s, then the hash differs', (_name, other) => {
    expect(requestHash(other)).not.toBe(requestHash(body));
  });

  test('when a key is undefined, then it hashes like an absent key (JSON drops it too)', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
  });

  test('when values need escaping, then keys and strings are JSON-escaped', () => {
    expect(canonicalJson({ 'k"': 'v"' })).toBe('{"k\\"":"v\\""}');
  });
});

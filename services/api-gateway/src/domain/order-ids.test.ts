import { newId } from '@shop/contracts';
import { createOrderIds } from './order-ids';

const ids = createOrderIds('a-secret-of-at-least-thirty-two-characters');
const customer = newId();

describe('order ids that name their customer', () => {
  it('when an id is minted for a customer, then it is a UUIDv7 that says so, with its time', () => {
    const before = Date.now();
    const id = ids.mint(customer);

    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ids.mintedFor(id, customer)).toBe(true);
    expect(ids.mintedAt(id)).toBeGreaterThanOrEqual(before);
    expect(ids.mintedAt(id)).toBeLessThanOrEqual(Date.now());
  });

  it('when the id is checked for another customer, an id minted elsewhere, or under another key, then it is refused', () => {
    const id = ids.mint(customer);

    expect(ids.mintedFor(id, newId())).toBe(false);
    expect(ids.mintedFor(newId(), customer)).toBe(false);
    expect(createOrderIds('another-secret-of-at-least-thirty-two-chars').mintedFor(id, customer)).toBe(false);
  });

  it('when one byte of a minted id changes, then it is refused', () => {
    const id = ids.mint(customer);
    const flipped = `${id.slice(0, 9)}${id[9] === '0' ? '1' : '0'}${id.slice(10)}`;

    expect(ids.mintedFor(flipped, customer)).toBe(false);
  });
});

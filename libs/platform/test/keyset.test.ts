import { keyset } from '../src/keyset';

const ids = ['0190a1b2-0000-7000-8000-000000000001', '0190a1b2-0000-7000-8000-000000000002', '0190a1b2-0000-7000-8000-000000000003'];

describe('keyset pagination', () => {
  it('when more rows than the limit were read, then the cursor names the last key of the page and decodes back to it', () => {
    const page = keyset.page(ids, 2, (id) => id);
    expect(page.items).toEqual(ids.slice(0, 2));
    expect(keyset.decode(page.nextCursor!)).toBe(ids[1]);
  });

  it('when the rows fit the limit, then there is no next page', () => {
    expect(keyset.page(ids, 3, (id) => id).nextCursor).toBeNull();
    expect(keyset.decode(undefined)).toBeUndefined();
  });

  it.each([
    ['not base64url of a uuid', Buffer.from('not-a-uuid').toString('base64url')],
    ['an upper-case uuid', Buffer.from(ids[0].toUpperCase()).toString('base64url')],
    ['a uuid with trailing text', Buffer.from(`${ids[0]}x`).toString('base64url')],
    ['empty', ''],
  ])('when the cursor is %s, then it is a 400 invalid-cursor', (_, cursor) => {
    expect(() => keyset.decode(cursor)).toThrow(expect.objectContaining({ code: 'invalid-cursor', status: 400 }));
  });
});

import { AppError } from './errors';

const KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const invalidCursor = (): AppError => new AppError('invalid-cursor', 'The cursor is not valid', 400);

/**
 * Keyset pagination on a UUID key: a page is read with one row more than asked for, and the
 * cursor, opaque to clients, is the last key of the page. A cursor that does not decode to a
 * canonical UUID is a 400, never a query.
 */
export const keyset = {
  /** The key to continue after (or before, in a descending list), or undefined for the first page. */
  decode(cursor: string | undefined): string | undefined {
    if (cursor === undefined) return undefined;
    const key = Buffer.from(cursor, 'base64url').toString('utf8');
    if (!KEY.test(key)) throw invalidCursor();
    return key;
  },

  /** The page from `limit + 1` rows read in key order. */
  page<T>(rows: T[], limit: number, keyOf: (row: T) => string): { items: T[]; nextCursor: string | null } {
    const items = rows.slice(0, limit);
    const nextCursor = rows.length > limit ? Buffer.from(keyOf(items[items.length - 1])).toString('base64url') : null;
    return { items, nextCursor };
  },
};

import { newId, type ProductView } from '@shop/contracts';
import { AppError, notFound, type Transactional, type Tx } from '@shop/platform';
import type { Product, ProductChanges, ProductRepository } from './product';

interface Deps {
  db: Tx;
  transaction: Transactional;
  products: ProductRepository;
  currency: string;
}

export function createProductUseCases({ db, transaction, products, currency }: Deps) {
  const view = (p: Product): ProductView => ({ ...p, currency });

  return {
    get: async ({ productId }: { productId: string }) => {
      const product = await products.find(db, productId);
      if (!product) throw notFound('Product');
      return view(product);
    },

    /** Keyset pagination on the id: the cursor is the last id of the previous page. */
    list: async ({ limit, cursor }: { limit: number; cursor?: string }) => {
      const after = cursor ? Buffer.from(cursor, 'base64url').toString('utf8') : undefined;
      if (after !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(after)) throw new AppError('invalid-cursor', 'The cursor is not valid', 400);
      const page = await products.list(db, limit + 1, after);
      const items = page.slice(0, limit).map(view);
      const nextCursor = page.length > limit ? Buffer.from(items[items.length - 1].productId).toString('base64url') : null;
      return { items, nextCursor };
    },

    create: async (input: { name: string; price: number; stock: number }) =>
      view(await transaction((tx) => products.insert(tx, { ...input, productId: newId() }))),

    update: async (changes: ProductChanges) => {
      const result = await transaction((tx) => products.update(tx, changes));
      if (!result) throw notFound('Product');
      if (result === 'below-reserved') {
        throw new AppError('stock-below-reserved', 'Stock cannot go below what open orders have reserved', 409);
      }
      return view(result);
    },
  };
}

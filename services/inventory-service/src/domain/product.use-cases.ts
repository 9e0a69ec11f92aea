import { newId, type ProductView } from '@shop/contracts';
import { AppError, keyset, notFound, type Transactional, type Tx } from '@shop/platform';
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

    /** Keyset pagination on the id, ascending. */
    list: async ({ limit, cursor }: { limit: number; cursor?: string }) => {
      const page = keyset.page(await products.list(db, limit + 1, keyset.decode(cursor)), limit, (p) => p.productId);
      return { items: page.items.map(view), nextCursor: page.nextCursor };
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

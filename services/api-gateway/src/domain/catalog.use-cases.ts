import type { InventoryService } from './upstream';

export function createCatalogUseCases({ inventory }: { inventory: InventoryService }) {
  return {
    get: (productId: string) => inventory.getProduct({ productId }),
    list: (query: { limit: number; cursor?: string }) => inventory.listProducts(query),
    create: (input: { name: string; price: number; stock: number }) => inventory.createProduct(input),
    update: (productId: string, changes: { price?: number; stock?: number }) => inventory.updateProduct({ productId, ...changes }),
  };
}

export type CatalogUseCases = ReturnType<typeof createCatalogUseCases>;

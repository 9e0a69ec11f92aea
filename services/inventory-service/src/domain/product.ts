import type { Tx } from '@shop/platform';
import type { StockLevel } from './allocate';

export interface Product {
  productId: string;
  name: string;
  price: number;
  onHand: number;
  available: number;
}

export interface ProductChanges {
  productId: string;
  price?: number;
  stock?: number;
}

export interface ProductRepository {
  lockStock(tx: Tx, productIds: string[]): Promise<Map<string, StockLevel>>;
  addReserved(tx: Tx, deltas: Map<string, number>): Promise<void>;
  find(tx: Tx, productId: string): Promise<Product | undefined>;
  list(tx: Tx, limit: number, after?: string): Promise<Product[]>;
  insert(tx: Tx, product: { productId: string; name: string; price: number; stock: number }): Promise<Product>;
  update(tx: Tx, changes: ProductChanges): Promise<Product | 'below-reserved' | undefined>;
}

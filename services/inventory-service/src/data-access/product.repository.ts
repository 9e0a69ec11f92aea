import type { Tx } from '@shop/platform';
import type { StockLevel } from '../domain/allocate';
import type { Product, ProductChanges, ProductRepository } from '../domain/product';

interface Row {
  id: string;
  name: string;
  price: string;
  on_hand: number;
  reserved: number;
}

const columns = 'id, name, price, on_hand, reserved';
const toProduct = (row: Row): Product => ({
  productId: row.id,
  name: row.name,
  price: Number(row.price),
  onHand: row.on_hand,
  available: row.on_hand - row.reserved,
});

/** Rows are always locked in id order, so concurrent batches wait for each other instead of deadlocking. */
export function createProductRepository(): ProductRepository {
  return {
    async lockStock(tx: Tx, productIds: string[]) {
      const rows: Row[] = await tx.query(
        `SELECT ${columns} FROM products WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
        [productIds],
      );
      return new Map<string, StockLevel>(rows.map((r) => [r.id, { productId: r.id, price: Number(r.price), available: r.on_hand - r.reserved }]));
    },

    async addReserved(tx: Tx, deltas: Map<string, number>) {
      if (deltas.size === 0) return;
      await tx.query(
        `UPDATE products p SET reserved = p.reserved + d.delta, updated_at = now()
         FROM unnest($1::uuid[], $2::int[]) AS d(id, delta) WHERE p.id = d.id`,
        [[...deltas.keys()], [...deltas.values()]],
      );
    },

    async find(tx: Tx, productId: string) {
      const rows: Row[] = await tx.query(`SELECT ${columns} FROM products WHERE id = $1`, [productId]);
      return rows[0] && toProduct(rows[0]);
    },

    async list(tx: Tx, limit: number, after?: string) {
      const rows: Row[] = await tx.query(
        `SELECT ${columns} FROM products WHERE ($1::uuid IS NULL OR id > $1) ORDER BY id LIMIT $2`,
        [after ?? null, limit],
      );
      return rows.map(toProduct);
    },

    async insert(tx: Tx, product: { productId: string; name: string; price: number; stock: number }) {
      const rows: Row[] = await tx.query(
        `INSERT INTO products (id, name, price, on_hand) VALUES ($1, $2, $3, $4) RETURNING ${columns}`,
        [product.productId, product.name, product.price, product.stock],
      );
      return toProduct(rows[0]);
    },

    /** Returns undefined for an unknown product, 'below-reserved' when stock would drop under what is held. */
    async update(tx: Tx, changes: ProductChanges) {
      const rows: Array<Row & { fits: boolean }> = await tx.query(
        `SELECT ${columns}, ($2::int IS NULL OR $2::int >= reserved) AS fits FROM products WHERE id = $1 FOR UPDATE`,
        [changes.productId, changes.stock ?? null],
      );
      if (!rows[0]) return undefined;
      if (!rows[0].fits) return 'below-reserved' as const;
      const [updated]: [Row[]] = await tx.query(
        `UPDATE products SET price = COALESCE($2, price), on_hand = COALESCE($3, on_hand), updated_at = now()
         WHERE id = $1 RETURNING ${columns}`,
        [changes.productId, changes.price ?? null, changes.stock ?? null],
      );
      return toProduct(updated[0]);
    },
  };
}

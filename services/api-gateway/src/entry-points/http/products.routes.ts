import { Router, type RequestHandler } from 'express';
import Joi from 'joi';
import { inventoryRpc, type ProductView } from '@shop/contracts';
import { jsonBody, resumeTrace } from '@shop/platform';
import type { CatalogUseCases } from '../../domain/catalog.use-cases';
import { cursorSchema, limitSchema, pathId, validate } from './validate';

export const listProductsQuery = Joi.object({ limit: limitSchema, cursor: cursorSchema });
export const createProductBody = inventoryRpc.createProduct.schema.required();
// The id comes from the path; a body that names one is refused rather than silently overridden.
export const updateProductBody = inventoryRpc.updateProduct.schema.keys({ productId: Joi.forbidden() }).required();

/** Stock bookkeeping (on hand vs. reserved) is for operators; shoppers see what is available. */
const toPublicProduct = ({ productId, name, price, currency, available }: ProductView) => ({ productId, name, price, currency, available });
const toAdminProduct = (p: ProductView) => ({ ...toPublicProduct(p), onHand: p.onHand });

export function productsRoutes({ catalog, admin }: { catalog: CatalogUseCases; admin: RequestHandler }): Router {
  const router = Router();

  router.get('/v1/products', async (req, res) => {
    const query = validate<{ limit: number; cursor?: string }>(listProductsQuery, req.query);
    const page = await catalog.list(query);
    res.json({ items: page.items.map(toPublicProduct), nextCursor: page.nextCursor });
  });

  router.get('/v1/products/:id', async (req, res) => {
    res.json(toPublicProduct(await catalog.get(pathId(req.params.id, 'Product'))));
  });

  router.post('/v1/products', admin, ...jsonBody('16kb'), resumeTrace, async (req, res) => {
    const product = await catalog.create(validate(createProductBody, req.body));
    res.status(201).location(`/v1/products/${product.productId}`).json(toAdminProduct(product));
  });

  router.patch('/v1/products/:id', admin, ...jsonBody('16kb'), resumeTrace, async (req, res) => {
    const productId = pathId(req.params.id, 'Product');
    const product = await catalog.update(productId, validate(updateProductBody, req.body));
    res.json(toAdminProduct(product));
  });

  return router;
}

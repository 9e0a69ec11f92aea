import { uuid } from '@shop/contracts';
import type { OperationSpec } from '@shop/platform';
import { createProductBody, listProductsQuery, updateProductBody } from '../products.routes';
import { adminOnly, byId, internal, jsonBody, problems, query, stored, upstream } from './problems';
import { adminProductSchema, productPageSchema, productSchema } from './response.schemas';

export const productsOperations: OperationSpec[] = [
  {
    method: 'get',
    path: '/v1/products',
    operationId: 'listProducts',
    summary: 'List products',
    tag: 'products',
    query: listProductsQuery,
    responses: { 200: { description: 'A page of products.', body: productPageSchema } },
    problems: problems(internal, query, upstream, { 400: ['invalid-cursor'] }),
  },
  {
    method: 'get',
    path: '/v1/products/:id',
    operationId: 'getProduct',
    summary: 'Read a product',
    tag: 'products',
    params: { id: uuid },
    responses: { 200: { description: 'The product.', body: productSchema } },
    problems: problems(internal, byId, upstream),
  },
  {
    method: 'post',
    path: '/v1/products',
    operationId: 'createProduct',
    summary: 'Create a product',
    tag: 'products',
    roles: ['admin'],
    body: createProductBody,
    responses: {
      201: {
        description: 'Created.',
        body: adminProductSchema,
        headers: ['Location'],
        links: {
          getProduct: { operationId: 'getProduct', description: 'Read this product.', parameters: { id: '$response.body#/productId' } },
          updateProduct: { operationId: 'updateProduct', description: 'Change its price or stock.', parameters: { id: '$response.body#/productId' } },
          placeOrder: {
            operationId: 'placeOrder',
            description: 'Order one of it.',
            requestBody: { items: [{ productId: '$response.body#/productId', quantity: 1 }] },
          },
        },
      },
    },
    problems: problems(internal, adminOnly, jsonBody, upstream, stored),
  },
  {
    method: 'patch',
    path: '/v1/products/:id',
    operationId: 'updateProduct',
    summary: 'Change the price or the stock on hand of a product',
    tag: 'products',
    roles: ['admin'],
    params: { id: uuid },
    body: updateProductBody,
    responses: { 200: { description: 'The changed product.', body: adminProductSchema } },
    problems: problems(internal, adminOnly, byId, jsonBody, upstream, stored, { 409: ['stock-below-reserved'] }),
  },
];

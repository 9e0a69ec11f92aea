import Joi from 'joi';
import { compileSchema } from './compiled-schema';
import { contractLimits as C, idempotencyKeyPattern, integer, orderLinesJson, shippingAddressSchema, text, unitPrice, uuid, uuidJson } from './common.schemas';
import { replies } from './rpc-replies';
import { customerStatuses, orderStatuses } from './types';

/**
 * Request/reply methods each service serves on its RPC queue. The message `type` property names
 * the method; the body is validated against `schema` before the handler runs, and the reply
 * against `reply` (rpc-replies.ts) before the caller gets it.
 */
const caller = Joi.object({
  customerId: uuid.required(),
  role: Joi.string().valid('customer', 'admin').required(),
});
const cursor = Joi.string().max(C.cursor);
const limit = Joi.number().integer().min(1).max(C.pageSize).default(20);

export const customerRpc = {
  getMany: {
    name: 'customer.get-many',
    reply: replies.customers,
    schema: Joi.object({ customerIds: Joi.array().items(uuid).min(1).max(C.perCall).required() }),
  },
  create: {
    name: 'customer.create',
    reply: replies.customer,
    schema: Joi.object({
      name: text().trim().min(1).max(C.name).required(),
      // Not trimmed: white space around an address is no address (format email), and is refused.
      email: text().lowercase().email({ tlds: false }).max(C.email).required(),
      shippingAddress: shippingAddressSchema,
    }),
  },
  update: {
    name: 'customer.update',
    reply: replies.customer,
    schema: Joi.object({
      customerId: uuid.required(),
      name: text().trim().min(1).max(C.name),
      status: Joi.string().valid(...customerStatuses),
      shippingAddress: shippingAddressSchema.allow(null),
    }).or('name', 'status', 'shippingAddress'),
  },
} as const;

export const inventoryRpc = {
  reserve: {
    name: 'inventory.reserve',
    reply: replies.reservations,
    // Compiled: one request carries a whole batch of orders.
    schema: compileSchema<{ orders: Array<{ orderId: string; items: Array<{ productId: string; quantity: number }> }> }>({
      type: 'object',
      additionalProperties: false,
      required: ['orders'],
      properties: {
        orders: {
          type: 'array',
          minItems: 1,
          maxItems: C.perCall,
          uniqueBy: 'orderId',
          items: { type: 'object', additionalProperties: false, required: ['orderId', 'items'], properties: { orderId: uuidJson, items: orderLinesJson } },
        },
      },
    }),
  },
  release: {
    name: 'inventory.release',
    reply: replies.released,
    schema: Joi.object({ orderIds: Joi.array().items(uuid).min(1).max(C.perCall).unique().required() }),
  },
  getProduct: { name: 'product.get', reply: replies.product, schema: Joi.object({ productId: uuid.required() }) },
  listProducts: { name: 'product.list', reply: replies.productPage, schema: Joi.object({ limit, cursor }) },
  createProduct: {
    name: 'product.create',
    reply: replies.product,
    schema: Joi.object({
      name: text().trim().min(1).max(C.name).required(),
      price: unitPrice.required(),
      stock: integer().min(0).max(C.stock).required(),
    }),
  },
  updateProduct: {
    name: 'product.update',
    reply: replies.product,
    schema: Joi.object({
      productId: uuid.required(),
      price: unitPrice,
      stock: integer().min(0).max(C.stock),
    }).or('price', 'stock'),
  },
} as const;

export const orderRpc = {
  get: { name: 'order.get', reply: replies.order, schema: Joi.object({ orderId: uuid.required(), caller: caller.required() }) },
  list: {
    name: 'order.list',
    reply: replies.orderPage,
    schema: Joi.object({
      caller: caller.required(),
      status: Joi.string().valid(...orderStatuses),
      limit,
      cursor,
    }),
  },
  cancel: { name: 'order.cancel', reply: replies.order, schema: Joi.object({ orderId: uuid.required(), caller: caller.required() }) },
  /** The owner cancels an order the gateway accepted but order-management has not recorded yet. */
  cancelUnrecorded: {
    name: 'order.cancel-unrecorded',
    reply: replies.order,
    schema: Joi.object({ orderId: uuid.required(), customerId: uuid.required(), acceptedAt: Joi.string().isoDate().required() }),
  },
  claimIdempotencyKey: {
    name: 'order.claim-idempotency-key',
    reply: replies.idempotencyClaim,
    schema: Joi.object({
      customerId: uuid.required(),
      key: Joi.string().pattern(idempotencyKeyPattern).required(),
      requestHash: Joi.string().hex().length(64).required(),
      orderId: uuid.required(),
    }),
  },
} as const;

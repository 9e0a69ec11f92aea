import Joi from 'joi';
import { customerStatuses, integer, orderStatuses, rejectionCodes, shippingAddressSchema, text, uuid } from '@shop/contracts';

/*
 * The bodies the gateway answers with, written once: the published document is derived from them
 * and tests/e2e/openapi-conformance.e2e.test.ts checks real answers against them. The route
 * mappers (toOrderResponse, toPublicProduct, ...) must produce exactly these keys.
 */
const timestamp = Joi.string().isoDate();
const currency = Joi.string().pattern(/^[A-Z]{3}$/, { name: 'is an ISO 4217 currency code' });
const address = shippingAddressSchema.allow(null);

export const placedOrderSchema = Joi.object({
  orderId: uuid.required(),
  status: Joi.string().valid('PENDING').required(),
});

export const validOrderSchema = Joi.object({ valid: Joi.boolean().strict().valid(true).required() });

const rejectionSchema = Joi.object({
  code: Joi.string()
    .valid(...rejectionCodes)
    .required(),
  message: Joi.string().required(),
  productIds: Joi.array().items(uuid).description('The products out of stock or unknown.'),
});

export const orderSchema = Joi.object({
  orderId: uuid.required(),
  customerId: uuid.required(),
  status: Joi.string().valid(...orderStatuses).required(),
  items: Joi.array()
    .items(Joi.object({ productId: uuid.required(), quantity: integer().min(1).required(), unitPrice: integer().min(0).allow(null).required() }))
    .required()
    .description('Empty while the order is PENDING and not recorded yet; unitPrice is null until the order is priced.'),
  total: integer().min(0).allow(null).required().description('In minor units of the currency; null until the order is priced.'),
  currency: currency.allow('').required().description('Empty while the order is not recorded yet.'),
  shippingAddress: address.required(),
  rejectionReason: rejectionSchema.description('Why a REJECTED order was rejected.'),
  customerName: text().description('Once order-management has read the customer.'),
  customerEmail: Joi.string().email({ tlds: false }).description('Once order-management has read the customer.'),
  createdAt: timestamp.required(),
  updatedAt: timestamp.required(),
});

const page = (item: Joi.Schema) =>
  Joi.object({
    items: Joi.array().items(item).required(),
    nextCursor: Joi.string().allow(null).required().description('Pass as `cursor` for the next page; null on the last page.'),
  });

export const orderPageSchema = page(orderSchema);

const productKeys = {
  productId: uuid.required(),
  name: text().required(),
  price: integer().min(0).required().description('In minor units of the currency.'),
  currency: currency.required(),
  available: integer().min(0).required().description('Stock on hand less what open orders have reserved.'),
};

export const productSchema = Joi.object(productKeys);
export const adminProductSchema = Joi.object({ ...productKeys, onHand: integer().min(0).required() });
export const productPageSchema = page(productSchema);

export const customerSchema = Joi.object({
  customerId: uuid.required(),
  name: text().required(),
  email: Joi.string().email({ tlds: false }).required(),
  status: Joi.string().valid(...customerStatuses).required(),
  shippingAddress: address.required(),
  createdAt: timestamp.required(),
});

export const healthSchema = Joi.object({ status: Joi.string().valid('ok').required() });
export const readinessSchema = Joi.object({ status: Joi.string().valid('ready', 'not-ready').required() });

import { compileSchema, type MessageSchema } from './compiled-schema';
import { orderLimits, uuidJson, shippingAddressJson } from './common.schemas';
import type { CustomerView, OrderView, Page, ProductView, ReservationResult } from './rpc-results';
import { customerStatuses, orderStatuses, rejectionCodes } from './types';

/*
 * What each RPC method answers, checked by the caller (libs/messaging's RpcClient) before it
 * returns: a reply that breaks its contract is an upstream failure (502 bad-reply), never a value
 * typed by assertion. Compiled once (ajv), so a reply of a 5,000-order batch costs microseconds.
 * Replies may carry properties a newer server added (no additionalProperties: false), so a
 * rolling upgrade of the server does not break older callers; what the caller reads is checked.
 */

const integer = (minimum?: number) => ({ type: 'integer', ...(minimum === undefined ? {} : { minimum }) }) as const;
const nullable = <S extends object>(schema: S) => ({ anyOf: [schema, { type: 'null' }] }) as const;
const timestamp = { type: 'string', format: 'date-time' } as const;
const currency = { type: 'string', pattern: '^[A-Z]{3}$' } as const;
/** Read back from our own databases, so stored text: what the message schemas allow, minus the length rules. */
const address = { ...shippingAddressJson, additionalProperties: true } as const;

const rejectionJson = {
  type: 'object',
  required: ['code', 'message'],
  properties: { code: { enum: rejectionCodes }, message: { type: 'string' }, productIds: { type: 'array', items: uuidJson } },
} as const;

const orderJson = {
  type: 'object',
  required: ['orderId', 'customerId', 'status', 'items', 'total', 'currency', 'shippingAddress', 'acceptedAt', 'createdAt', 'updatedAt'],
  properties: {
    orderId: uuidJson,
    customerId: uuidJson,
    status: { enum: orderStatuses },
    items: {
      type: 'array',
      maxItems: orderLimits.lines,
      items: {
        type: 'object',
        required: ['productId', 'quantity', 'unitPrice'],
        properties: { productId: uuidJson, quantity: integer(1), unitPrice: nullable(integer(0)) },
      },
    },
    total: nullable(integer(0)),
    // Empty while an order is accepted but not recorded yet.
    currency: { anyOf: [currency, { const: '' }] },
    customerName: nullable({ type: 'string' }),
    customerEmail: nullable({ type: 'string' }),
    shippingAddress: nullable(address),
    rejectionReason: rejectionJson,
    acceptedAt: timestamp,
    createdAt: timestamp,
    updatedAt: timestamp,
  },
} as const;

const productJson = {
  type: 'object',
  required: ['productId', 'name', 'price', 'currency', 'available', 'onHand'],
  properties: { productId: uuidJson, name: { type: 'string' }, price: integer(0), currency, available: integer(), onHand: integer(0) },
} as const;

const customerJson = {
  type: 'object',
  required: ['customerId', 'name', 'email', 'status', 'shippingAddress', 'createdAt'],
  properties: {
    customerId: uuidJson,
    name: { type: 'string' },
    email: { type: 'string' },
    status: { enum: customerStatuses },
    shippingAddress: nullable(address),
    createdAt: timestamp,
  },
} as const;

const pageOf = (item: object) =>
  ({ type: 'object', required: ['items', 'nextCursor'], properties: { items: { type: 'array', items: item }, nextCursor: nullable({ type: 'string' }) } }) as const;

const pricedLineJson = {
  type: 'object',
  required: ['productId', 'quantity', 'unitPrice'],
  properties: { productId: uuidJson, quantity: integer(1), unitPrice: integer(0) },
} as const;

const reservationJson = {
  oneOf: [
    {
      type: 'object',
      required: ['orderId', 'status', 'lines', 'currency'],
      properties: { orderId: uuidJson, status: { const: 'RESERVED' }, lines: { type: 'array', items: pricedLineJson }, currency },
    },
    { type: 'object', required: ['orderId', 'status', 'rejection'], properties: { orderId: uuidJson, status: { const: 'REJECTED' }, rejection: rejectionJson } },
    { type: 'object', required: ['orderId', 'status'], properties: { orderId: uuidJson, status: { const: 'RELEASED' } } },
  ],
} as const;

export const replies = {
  order: compileSchema<OrderView>(orderJson),
  orderPage: compileSchema<Page<OrderView>>(pageOf(orderJson)),
  idempotencyClaim: compileSchema<{ orderId: string; requestHash: string }>({
    type: 'object',
    required: ['orderId', 'requestHash'],
    properties: { orderId: uuidJson, requestHash: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
  }),
  product: compileSchema<ProductView>(productJson),
  productPage: compileSchema<Page<ProductView>>(pageOf(productJson)),
  customer: compileSchema<CustomerView>(customerJson),
  customers: compileSchema<{ customers: CustomerView[] }>({
    type: 'object',
    required: ['customers'],
    properties: { customers: { type: 'array', items: customerJson } },
  }),
  reservations: compileSchema<{ results: ReservationResult[] }>({
    type: 'object',
    required: ['results'],
    properties: { results: { type: 'array', items: reservationJson } },
  }),
  released: compileSchema<{ released: string[] }>({
    type: 'object',
    required: ['released'],
    properties: { released: { type: 'array', items: uuidJson } },
  }),
} satisfies Record<string, MessageSchema>;

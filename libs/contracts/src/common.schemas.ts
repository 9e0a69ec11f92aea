import Joi from 'joi';

// Canonical form only (dashes, no braces), so that what the gateway accepts is what the message
// schemas below accept.
export const uuid = Joi.string().guid({ version: ['uuidv4', 'uuidv5', 'uuidv7'], separator: '-', wrapper: false }).lowercase();

/** The limits of an order, shared by the joi schemas and their JSON Schema twins below. */
export const orderLimits = { lines: 100, quantity: 1000, text: 200, city: 100, postalCode: 20 } as const;
const L = orderLimits;

export const shippingAddressSchema = Joi.object({
  name: Joi.string().trim().max(L.text),
  line1: Joi.string().trim().min(1).max(L.text).required(),
  line2: Joi.string().trim().max(L.text).allow(''),
  city: Joi.string().trim().min(1).max(L.city).required(),
  postalCode: Joi.string().trim().min(1).max(L.postalCode).required(),
  country: Joi.string().trim().uppercase().length(2).required(),
});

export const orderLineSchema = Joi.object({
  productId: uuid.required(),
  quantity: Joi.number().integer().min(1).max(L.quantity).required(),
});

export const orderLinesSchema = Joi.array()
  .items(orderLineSchema)
  .min(1)
  .max(L.lines)
  .unique('productId')
  .required();

export const money = Joi.number().integer().min(0).max(Number.MAX_SAFE_INTEGER);

/*
 * The same rules as JSON Schema, for the compiled validators of messages between our services
 * (compiled-schema.ts). Those messages carry what the joi schemas above produced: trimmed,
 * lowercased ids, upper-case country codes. libs/contracts/test/message-schemas.test.ts checks that
 * every order the gateway accepts passes them.
 */
export const uuidJson = { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[457][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' } as const;

export const orderLinesJson = {
  type: 'array',
  minItems: 1,
  maxItems: L.lines,
  uniqueBy: 'productId',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['productId', 'quantity'],
    properties: { productId: uuidJson, quantity: { type: 'integer', minimum: 1, maximum: L.quantity } },
  },
} as const;

export const shippingAddressJson = {
  type: 'object',
  additionalProperties: false,
  required: ['line1', 'city', 'postalCode', 'country'],
  properties: {
    name: { type: 'string', maxLength: L.text },
    line1: { type: 'string', minLength: 1, maxLength: L.text },
    line2: { type: 'string', maxLength: L.text },
    city: { type: 'string', minLength: 1, maxLength: L.city },
    postalCode: { type: 'string', minLength: 1, maxLength: L.postalCode },
    country: { type: 'string', minLength: 2, maxLength: 2 },
  },
} as const;

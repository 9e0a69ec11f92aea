import Joi from 'joi';

// Canonical form only (dashes, no braces), so that what the gateway accepts is what the message
// schemas below accept.
export const uuid = Joi.string().guid({ version: ['uuidv4', 'uuidv5', 'uuidv7'], separator: '-', wrapper: false }).lowercase();

export const shippingAddressSchema = Joi.object({
  name: Joi.string().trim().max(200),
  line1: Joi.string().trim().min(1).max(200).required(),
  line2: Joi.string().trim().max(200).allow(''),
  city: Joi.string().trim().min(1).max(100).required(),
  postalCode: Joi.string().trim().min(1).max(20).required(),
  country: Joi.string().trim().uppercase().length(2).required(),
});

export const orderLineSchema = Joi.object({
  productId: uuid.required(),
  quantity: Joi.number().integer().min(1).max(1000).required(),
});

export const orderLinesSchema = Joi.array()
  .items(orderLineSchema)
  .min(1)
  .max(100)
  .unique('productId')
  .required();

export const money = Joi.number().integer().min(0).max(Number.MAX_SAFE_INTEGER);

/*
 * The same rules as JSON Schema, for the compiled validators of messages between our services
 * (compiled-schema.ts). Those messages carry what the joi schemas above produced: trimmed,
 * lowercased ids, upper-case country codes. tests/integration/message-schemas.test.ts checks that
 * every order the gateway accepts passes them.
 */
export const uuidJson = { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[457][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' } as const;

export const orderLinesJson = {
  type: 'array',
  minItems: 1,
  maxItems: 100,
  uniqueBy: 'productId',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['productId', 'quantity'],
    properties: { productId: uuidJson, quantity: { type: 'integer', minimum: 1, maximum: 1000 } },
  },
} as const;

export const shippingAddressJson = {
  type: 'object',
  additionalProperties: false,
  required: ['line1', 'city', 'postalCode', 'country'],
  properties: {
    name: { type: 'string', maxLength: 200 },
    line1: { type: 'string', minLength: 1, maxLength: 200 },
    line2: { type: 'string', maxLength: 200 },
    city: { type: 'string', minLength: 1, maxLength: 100 },
    postalCode: { type: 'string', minLength: 1, maxLength: 20 },
    country: { type: 'string', minLength: 2, maxLength: 2 },
  },
} as const;

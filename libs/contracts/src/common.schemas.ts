import Joi from 'joi';

export const uuid = Joi.string().guid({ version: ['uuidv4', 'uuidv5', 'uuidv7'] }).lowercase();

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

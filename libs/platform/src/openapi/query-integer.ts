import Joi from 'joi';

// Canonical decimal only: joi's own number reading also takes " 10", "+10", "1e1" and "10.0".
const decimal = /^(?:0|-?[1-9][0-9]*)$/;

/**
 * An integer read from a query string, where every value is a string: `queryInteger().min(1)`.
 * Only a canonical decimal ("20", never "020", "2e1" or " 20") is read; anything else, a repeated
 * parameter included, is refused with the field named. Its JSON Schema is `type: integer`,
 * which is how OpenAPI states a query parameter serialized as decimal digits.
 */
const joi = Joi.extend({
  type: 'queryInteger',
  base: Joi.number().integer(),
  messages: { 'queryInteger.base': '{{#label}} must be an integer written in decimal digits' },
  prepare(value: unknown, helpers: Joi.CustomHelpers) {
    if (typeof value === 'string' && decimal.test(value)) return { value: Number(value) };
    return { value, errors: [helpers.error('queryInteger.base')] };
  },
}) as Joi.Root & { queryInteger(): Joi.NumberSchema };

export const queryInteger = (): Joi.NumberSchema => joi.queryInteger();

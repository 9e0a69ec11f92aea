import Joi from 'joi';
import { joiToJsonSchema, UnsupportedSchemaError } from './json-schema';
import { queryInteger } from './query-integer';

describe('joiToJsonSchema', () => {
  test('when a number is strict, then it is an integer with its bounds; when it also reads strings, then it is refused', () => {
    expect(joiToJsonSchema(Joi.number().strict().integer().min(1).max(100).default(20))).toEqual({ type: 'integer', minimum: 1, maximum: 100, default: 20 });
    expect(joiToJsonSchema(Joi.number().strict().greater(0).less(1))).toEqual({ type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 });
    expect(() => joiToJsonSchema(Joi.object({ n: Joi.number() }))).toThrow(new UnsupportedSchemaError('n', 'a number that also accepts strings (add .strict())'));
  });

  test('when a string allows no empty value, then its minLength is at least 1, as joi refuses ""', () => {
    expect(joiToJsonSchema(Joi.string())).toEqual({ type: 'string', minLength: 1 });
    expect(joiToJsonSchema(Joi.string().max(5).allow(''))).toEqual({ type: 'string', maxLength: 5 });
    expect(joiToJsonSchema(Joi.string().min(3))).toEqual({ type: 'string', minLength: 3 });
    expect(joiToJsonSchema(Joi.string().min(2).allow(''))).toEqual({ anyOf: [{ type: 'string', minLength: 2 }, { enum: [''] }] });
  });

  test('when a string has patterns, then their source is kept (read with the u flag) and their names describe them', () => {
    const schema = joiToJsonSchema(Joi.string().pattern(/^\p{Lu}+$/u, { name: 'must be capitals' }).pattern(/^.{2}$/));

    expect(schema).toEqual({ description: 'Must be capitals.', type: 'string', allOf: [{ pattern: '^\\p{Lu}+$' }, { pattern: '^.{2}$' }] });
    expect(() => joiToJsonSchema(Joi.string().pattern(/^a$/i))).toThrow(UnsupportedSchemaError);
    expect(() => joiToJsonSchema(Joi.string().pattern(/^a$/, { invert: true }))).toThrow(UnsupportedSchemaError);
  });

  test('when a string is a guid of some versions, then its pattern takes exactly those versions in either case', () => {
    const schema = joiToJsonSchema(Joi.string().guid({ version: ['uuidv4', 'uuidv7'], separator: '-', wrapper: false }).lowercase());
    const pattern = new RegExp(schema.pattern as string, 'u');

    expect(schema).toMatchObject({ type: 'string', format: 'uuid', description: 'Letters are lower-cased.' });
    expect(pattern.test('0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B')).toBe(true);
    expect(pattern.test('9b2c6a4e-1f3d-4c5b-9a8e-7d6c5b4a3f2e')).toBe(true);
    expect(pattern.test('c232ab00-9414-11ec-b3c8-9e6bdeced846')).toBe(false);
    expect(pattern.test('0190a1b2-c3d4-7e5f-0a9b-0c1d2e3f4a5b')).toBe(false);
    expect(() => joiToJsonSchema(Joi.string().guid())).toThrow(UnsupportedSchemaError);
  });

  test('when normalizing rules apply, then the description says so', () => {
    expect(joiToJsonSchema(Joi.string().trim().uppercase().description('A code.'))).toEqual({
      description: 'A code. Leading and trailing white space is removed. Letters are upper-cased.',
      type: 'string',
      minLength: 1,
    });
  });

  test('when an object has required, optional and forbidden keys and an or(), then properties, required, anyOf and no other keys', () => {
    const schema = Joi.object({ a: Joi.string().required(), b: Joi.string(), c: Joi.forbidden() }).or('a', 'b');

    expect(joiToJsonSchema(schema)).toEqual({
      type: 'object',
      properties: { a: { type: 'string', minLength: 1 }, b: { type: 'string', minLength: 1 } },
      required: ['a'],
      additionalProperties: false,
      anyOf: [{ required: ['a'] }, { required: ['b'] }],
    });
    expect(joiToJsonSchema(Joi.object({ c: Joi.forbidden() }).unknown(true))).toEqual({ type: 'object', properties: { c: { not: {} } } });
    expect(joiToJsonSchema(Joi.object().unknown(true))).toEqual({ type: 'object' });
    expect(() => joiToJsonSchema(Joi.object({ a: Joi.string(), b: Joi.string() }).xor('a', 'b'))).toThrow(UnsupportedSchemaError);
  });

  test('when values are listed or null is allowed, then enum and a null type', () => {
    expect(joiToJsonSchema(Joi.string().valid('A', 'B'))).toEqual({ type: 'string', enum: ['A', 'B'] });
    expect(joiToJsonSchema(Joi.string().valid('A').allow(null))).toEqual({ type: ['string', 'null'], enum: ['A', null] });
    expect(joiToJsonSchema(Joi.object({}).allow(null))).toEqual({ type: ['object', 'null'], properties: {}, additionalProperties: false });
    expect(joiToJsonSchema(Joi.boolean().strict().valid(true))).toEqual({ type: 'boolean', enum: [true] });
  });

  test('when an array is unique by a key, then uniqueItems and the key in the description', () => {
    expect(joiToJsonSchema(Joi.array().items(Joi.object({ id: Joi.string() })).min(1).max(3).unique('id'))).toEqual({
      description: 'No two items have the same id.',
      type: 'array',
      items: { type: 'object', properties: { id: { type: 'string', minLength: 1 } }, additionalProperties: false },
      minItems: 1,
      maxItems: 3,
      uniqueItems: true,
    });
  });

  test.each([
    ['a date', Joi.date()],
    ['a boolean that reads "true"', Joi.boolean()],
    ['alternatives', Joi.alternatives().try(Joi.string(), Joi.number().strict())],
    ['a conditional', Joi.object({ a: Joi.string(), b: Joi.string().when('a', { is: 'x', then: Joi.required() }) })],
    ['a string rule without a JSON Schema form', Joi.string().alphanum()],
    ['a preference', Joi.string().prefs({ abortEarly: false })],
  ])('when a schema holds %s, then the converter refuses it rather than guess', (_name, schema) => {
    expect(() => joiToJsonSchema(schema as Joi.Schema)).toThrow(UnsupportedSchemaError);
  });
});

describe('queryInteger', () => {
  const schema = Joi.object({ limit: queryInteger().min(1).max(100).default(20) });

  test.each([
    [{}, 20],
    [{ limit: '1' }, 1],
    [{ limit: '100' }, 100],
  ])('when the query is %j, then limit is %d', (query, limit) => {
    expect(schema.validate(query)).toEqual({ value: { limit } });
  });

  test.each(['020', '2e1', ' 20', '20 ', '+20', '20.0', '0x14', '', 'twenty', ['1', '2'], 20])('when limit is %j, then it is refused as no decimal integer', (limit) => {
    expect(schema.validate({ limit }).error?.details).toEqual([expect.objectContaining({ path: ['limit'], message: '"limit" must be an integer written in decimal digits' })]);
  });

  test('when limit is a decimal out of range, then the range rule answers', () => {
    expect(schema.validate({ limit: '101' }).error?.message).toBe('"limit" must be less than or equal to 100');
    expect(schema.validate({ limit: '-1' }).error?.message).toBe('"limit" must be greater than or equal to 1');
  });

  test('when it is converted, then it is an integer with its bounds and default', () => {
    expect(joiToJsonSchema(schema)).toEqual({ type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 } }, additionalProperties: false });
  });
});

describe('joiToJsonSchema of what a schema produces', () => {
  it('when asked for the produced form, then ids are lower-case only, uniqueness by key is uniqueBy, patterns are swapped and no note is written', () => {
    const schema = Joi.object({
      id: Joi.string().guid({ version: ['uuidv7'], separator: '-', wrapper: false }).lowercase().required(),
      lines: Joi.array().items(Joi.object({ sku: Joi.string().pattern(/^[a-z]+$/u) })).unique('sku'),
    });

    const produced = joiToJsonSchema(schema, { produced: true, patterns: { '^[a-z]+$': '^[a-z]{1,8}$' } });

    expect(produced).toEqual({
      type: 'object',
      properties: {
        id: { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[7][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' },
        lines: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string', pattern: '^[a-z]{1,8}$' } }, additionalProperties: false }, uniqueBy: 'sku' },
      },
      required: ['id'],
      additionalProperties: false,
    });
  });
});

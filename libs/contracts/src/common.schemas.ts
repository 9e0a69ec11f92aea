import Joi from 'joi';
import { joiToJsonSchema } from '@shop/platform';

// Canonical form only (dashes, no braces), so that what the gateway accepts is what the message
// schemas below accept.
export const uuid = Joi.string().guid({ version: ['uuidv4', 'uuidv5', 'uuidv7'], separator: '-', wrapper: false }).lowercase();

/** The limits of an order, written once: the joi schemas below state them, and every JSON Schema is derived from those. */
export const orderLimits = { lines: 100, quantity: 1000, text: 200, city: 100, postalCode: 20 } as const;
const L = orderLimits;

/** The limits of the other contracts, written once; every schema, joi or JSON, reads them from here. */
export const contractLimits = {
  /** A customer's or a product's name. */
  name: 200,
  email: 320,
  stock: 1_000_000_000,
  /** A page cursor as the platform hands it out. */
  cursor: 200,
  /** Items of one page. */
  pageSize: 100,
  /** Ids or orders in one RPC request (a batch of the saga). */
  perCall: 5000,
  /** An Idempotency-Key, visible ASCII. */
  idempotencyKey: 200,
} as const;
/** An Idempotency-Key as sent: 1 to contractLimits.idempotencyKey visible ASCII characters. */
export const idempotencyKeyPattern = new RegExp(`^[\\x21-\\x7e]{1,${contractLimits.idempotencyKey}}$`);

/**
 * Money in minor units. A unit price is at most 10^12 and a priced order at most 10^15 (checked by
 * inventory when it prices the order, since a price may predate this cap): every total the platform
 * stores stays below 2^53, so it is exact as a JSON number and far inside the `bigint` columns.
 */
export const moneyLimits = { unitPrice: 1_000_000_000_000, orderTotal: 1_000_000_000_000_000 } as const;

/**
 * Text the platform stores refuses control characters (C0, DEL and C1: PostgreSQL cannot store
 * U+0000 at all, and none of them belongs in a name or an address), lone surrogates (they have no
 * UTF-8 encoding, so PostgreSQL refuses them in JSON) and Unicode non-characters. Tabs and line
 * breaks are controls too: every text field is a single line.
 *
 * The pattern is published in the OpenAPI document, so it is written for every engine that reads
 * one, not only JavaScript's: `\p{...}` classes are unknown to Python's re (and to the test
 * generators built on it), a surrogate range is refused by Rust's regex, and an astral escape is
 * spelled differently in each. So it names the controls and the BMP non-characters with `\uXXXX`
 * escapes, which all of them read, and the astral non-characters (U+1FFFE, U+1FFFF, ... U+10FFFF)
 * as the characters themselves. Lone surrogates, which no JSON Schema engine but JavaScript's can
 * even hold in a string, text() refuses before its pattern runs; the compiled JSON Schemas of
 * messages, read by ajv alone, add the surrogate range to the same class.
 */
const astralNonCharacters = Array.from({ length: 16 }, (_, i) => `${String.fromCodePoint((i + 1) * 0x10000 + 0xfffe)}-${String.fromCodePoint((i + 1) * 0x10000 + 0xffff)}`).join('');
const unstorable = `\\u0000-\\u001F\\u007F-\\u009F\\uFDD0-\\uFDEF\\uFFFE\\uFFFF${astralNonCharacters}`;
export const storableTextPattern = `^[^${unstorable}]*$`;
/** The same with lone surrogates, for ajv (under its `u` flag a surrogate pair is one code point). */
export const storableMessageTextPattern = `^[^${unstorable}\\uD800-\\uDFFF]*$`;
export const storableTextRule = 'must not contain control characters, lone surrogates or Unicode non-characters';
const storable = new RegExp(storableTextPattern, 'u');

// Under the `u` flag a surrogate pair is one code point, so this finds only lone surrogates.
const loneSurrogate = /\p{Cs}/u;

/**
 * joi's string, checked as the client sent it before joi rewrites it: joi trims and folds case
 * before its rules run, so " Berlin\t" would pass a pattern that refuses tabs and a 205-character
 * name with spaces around it a limit of 200. The published document states the value as sent
 * (pattern and maxLength), and the gateway refuses exactly what it refuses. Lone surrogates are
 * refused here too: no pattern every engine reads could.
 */
const asSent = Joi.extend((joi: Joi.Root) => ({
  type: 'string',
  base: joi.string(),
  prepare(value: unknown, helpers: Joi.CustomHelpers) {
    if (typeof value !== 'string') return { value };
    if (loneSurrogate.test(value) || !storable.test(value)) return { value, errors: [helpers.error('string.pattern.name', { name: storableTextRule, regex: storable, value })] };
    const max = (helpers.schema.$_getRule('max') as { args: { limit: number } } | undefined)?.args.limit;
    if (max !== undefined && value.length > max) return { value, errors: [helpers.error('string.max', { limit: max, value })] };
    return { value };
  },
})) as Joi.Root;

/**
 * A string field that can be stored as it is. The pattern's name is the rule, read by
 * validationError (libs/platform) to word the message: a `.messages()` override on each field
 * made joi merge preferences per field and doubled the cost of validating an address.
 */
export const text = (): Joi.StringSchema => asSent.string().pattern(storable, { name: storableTextRule });

/**
 * A JSON number that is an integer, never a string of digits: joi reads "2" as 2 unless the
 * number is strict, and the HTTP contract says `integer`. Strict only here, on the leaf: strict on
 * an object would also stop its strings from being trimmed and case-folded.
 */
export const integer = () => Joi.number().integer().strict();

export const shippingAddressSchema = Joi.object({
  name: text().trim().max(L.text),
  line1: text().trim().min(1).max(L.text).required(),
  line2: text().trim().max(L.text).allow(''),
  city: text().trim().min(1).max(L.city).required(),
  postalCode: text().trim().min(1).max(L.postalCode).required(),
  // Two upper-case ASCII letters as sent, never case-folded: JavaScript's toUpperCase makes "FF"
  // of "ﬀ" and "S" of "ſ", which no document can state. Not length(2) either: joi counts UTF-16
  // units and JSON Schema code points.
  country: Joi.string().pattern(/^[A-Z]{2}$/, { name: 'must be a two-letter upper-case country code' }).required(),
});

export const orderLineSchema = Joi.object({
  productId: uuid.required(),
  quantity: integer().min(1).max(L.quantity).required(),
});

export const orderLinesSchema = Joi.array()
  .items(orderLineSchema)
  .min(1)
  .max(L.lines)
  .unique('productId')
  .required();

export const unitPrice = integer().min(0).max(moneyLimits.unitPrice);

/*
 * The same rules as JSON Schema, for the compiled validators of messages between our services
 * (compiled-schema.ts), derived from the joi schemas above, never written twice. Those messages
 * carry what the joi schemas produced (trimmed, ids lower-cased, uniqueness by key as `uniqueBy`),
 * and their text pattern also refuses lone surrogates, which ajv alone can hold in a pattern.
 * libs/contracts/test/message-schemas.test.ts checks that every order the gateway accepts passes them.
 */
const asMessage = (schema: Joi.Schema) => joiToJsonSchema(schema, { produced: true, patterns: { [storableTextPattern]: storableMessageTextPattern } });

export const uuidJson = asMessage(uuid);
export const orderLinesJson = asMessage(orderLinesSchema);
export const shippingAddressJson = asMessage(shippingAddressSchema);

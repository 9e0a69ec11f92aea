import type Joi from 'joi';

export type JsonSchema = { [keyword: string]: unknown };

/** What joi's describe() returns, for the parts this converter reads. */
interface Described {
  type: string;
  flags?: Record<string, unknown>;
  rules?: Array<{ name: string; args?: Record<string, any> }>;
  keys?: Record<string, Described>;
  items?: Described[];
  allow?: unknown[];
  preferences?: Record<string, unknown>;
  dependencies?: Array<{ rel: string; peers: string[] }>;
  examples?: unknown[];
}

/**
 * How to state a schema. By default: what a client may send (the published documents). With
 * `produced`: what the schema produces, i.e. the messages that services built from joi's output
 * send each other: ids as joi lower-cased them, no notes on conversions already made, and a
 * uniqueness by key as the keyword `uniqueBy` (which the compiled validators know) instead of a
 * note. `patterns` swaps a pattern for another (a stricter one only one engine reads).
 */
export interface ConversionOptions {
  produced?: boolean;
  patterns?: Record<string, string>;
}

/** Thrown for a joi feature the converter cannot state faithfully: better no document than a wrong one. */
export class UnsupportedSchemaError extends Error {
  constructor(path: string, what: string) {
    super(`${path || '(root)'}: ${what} has no JSON Schema form here; extend joiToJsonSchema or change the schema`);
    this.name = 'UnsupportedSchemaError';
  }
}

const knownParts = new Set(['type', 'flags', 'rules', 'keys', 'items', 'allow', 'preferences', 'dependencies', 'examples']);
const knownFlags = new Set(['presence', 'default', 'description', 'only', 'unknown', 'label', 'id']);

const sentence = (text: string) => `${text[0].toUpperCase()}${text.slice(1)}${text.endsWith('.') ? '' : '.'}`;

/** A joi pattern as JSON Schema's: ECMA-262 source, read with the `u` flag (as ajv does); no other flag has a form. */
function patternOf(regex: string, path: string): string {
  const end = regex.lastIndexOf('/');
  const flags = regex.slice(end + 1);
  if (flags !== '' && flags !== 'u') throw new UnsupportedSchemaError(path, `a pattern with flags "${flags}"`);
  return regex.slice(1, end);
}

const guidVersions: Record<string, string> = { uuidv1: '1', uuidv2: '2', uuidv3: '3', uuidv4: '4', uuidv5: '5', uuidv6: '6', uuidv7: '7', uuidv8: '8' };

function guidPattern(options: { version?: string | string[]; separator?: unknown; wrapper?: unknown }, path: string, lowerCase: boolean): string {
  if (options.separator !== '-' || options.wrapper !== false) throw new UnsupportedSchemaError(path, 'a guid other than dashed and unwrapped');
  const versions = [options.version ?? []].flat().map((v) => guidVersions[v.toLowerCase()]).join('');
  const hex = lowerCase ? '[0-9a-f]' : '[0-9A-Fa-f]';
  const version = versions ? `[${versions}]` : hex;
  const variant = versions ? (lowerCase ? '[89ab]' : '[89ABab]') : hex;
  return `^${hex}{8}-${hex}{4}-${version}${hex}{3}-${variant}${hex}{3}-${hex}{12}$`;
}

function stringSchema(d: Described, path: string, notes: string[], options: ConversionOptions): JsonSchema {
  const out: JsonSchema = { type: 'string' };
  const patterns: string[] = [];
  let minLength: number | undefined;
  const lowerCased = options.produced === true && (d.rules ?? []).some((r) => r.name === 'case' && r.args?.direction === 'lower');
  for (const { name, args = {} } of d.rules ?? []) {
    if (name === 'min') minLength = args.limit;
    else if (name === 'max') out.maxLength = args.limit;
    else if (name === 'length') [minLength, out.maxLength] = [args.limit, args.limit];
    else if (name === 'pattern') {
      if (args.options?.invert) throw new UnsupportedSchemaError(path, 'an inverted pattern');
      const pattern = patternOf(String(args.regex), path);
      patterns.push(options.patterns?.[pattern] ?? pattern);
      if (args.options?.name) notes.push(sentence(args.options.name));
    } else if (name === 'guid') {
      // A produced id is checked by its pattern alone: a format too would name each bad id twice.
      if (!options.produced) out.format = 'uuid';
      patterns.push(guidPattern(args.options ?? {}, path, lowerCased));
    } else if (name === 'email') out.format = 'email';
    else if (name === 'isoDate') out.format = 'date-time';
    else if (name === 'hex') patterns.push('^[0-9A-Fa-f]*$');
    else if (name === 'trim') notes.push('Leading and trailing white space is removed.');
    else if (name === 'case') notes.push(args.direction === 'upper' ? 'Letters are upper-cased.' : 'Letters are lower-cased.');
    else throw new UnsupportedSchemaError(path, `the string rule "${name}"`);
  }
  // joi refuses the empty string unless it is allowed or only listed values are; say so unless a
  // pattern or the format refuses it already.
  const emptyAllowed = (d.allow ?? []).includes('') || d.flags?.only === true;
  const emptyRefusedAnyway = out.format !== undefined || patterns.some((p) => !new RegExp(p, 'u').test(''));
  const least = Math.max(minLength ?? 0, emptyAllowed || emptyRefusedAnyway ? 0 : 1);
  if (least > 0) out.minLength = least;
  if (patterns.length === 1) out.pattern = patterns[0];
  else if (patterns.length > 1) out.allOf = patterns.map((pattern) => ({ pattern }));
  return out;
}

function numberSchema(d: Described, path: string): JsonSchema {
  // A joi number converts "2" to 2; a document saying `integer` would then be a lie. Query
  // integers (queryInteger) read decimal strings by design: a query has nothing but strings.
  if (d.type === 'number' && d.preferences?.convert !== false) throw new UnsupportedSchemaError(path, 'a number that also accepts strings (add .strict())');
  const out: JsonSchema = { type: 'number' };
  for (const { name, args = {} } of d.rules ?? []) {
    if (name === 'integer') out.type = 'integer';
    else if (name === 'min') out.minimum = args.limit;
    else if (name === 'max') out.maximum = args.limit;
    else if (name === 'greater') out.exclusiveMinimum = args.limit;
    else if (name === 'less') out.exclusiveMaximum = args.limit;
    else throw new UnsupportedSchemaError(path, `the number rule "${name}"`);
  }
  return out;
}

function arraySchema(d: Described, path: string, notes: string[], options: ConversionOptions): JsonSchema {
  const out: JsonSchema = { type: 'array' };
  const items = d.items ?? [];
  if (items.length === 1) out.items = convert(items[0], `${path}[]`, options);
  else if (items.length > 1) out.items = { anyOf: items.map((item) => convert(item, `${path}[]`, options)) };
  for (const { name, args = {} } of d.rules ?? []) {
    if (name === 'min') out.minItems = args.limit;
    else if (name === 'max') out.maxItems = args.limit;
    else if (name === 'length') [out.minItems, out.maxItems] = [args.limit, args.limit];
    else if (name === 'unique' && typeof args.comparator === 'string' && options.produced) out.uniqueBy = args.comparator;
    else if (name === 'unique' && typeof args.comparator === 'string') {
      // JSON Schema compares whole items; joi compares one key, which is stricter.
      out.uniqueItems = true;
      notes.push(`No two items have the same ${args.comparator}.`);
    } else if (name === 'unique' && args.comparator === undefined) out.uniqueItems = true;
    else throw new UnsupportedSchemaError(path, `the array rule "${name}"`);
  }
  return out;
}

function objectSchema(d: Described, path: string, options: ConversionOptions): JsonSchema {
  const out: JsonSchema = { type: 'object' };
  if (d.keys === undefined) return out;
  const open = d.flags?.unknown === true;
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [key, child] of Object.entries(d.keys)) {
    const presence = child.flags?.presence;
    if (presence === 'forbidden') {
      // A closed object refuses the key anyway; listing it would only show it as a field.
      if (open) properties[key] = { not: {} };
      continue;
    }
    properties[key] = convert(child, path ? `${path}.${key}` : key, options);
    if (presence === 'required') required.push(key);
  }
  out.properties = properties;
  if (required.length) out.required = required;
  if (!open) out.additionalProperties = false;
  for (const { rel, peers } of d.dependencies ?? []) {
    if (rel !== 'or') throw new UnsupportedSchemaError(path, `the object dependency "${rel}"`);
    out.anyOf = peers.map((peer) => ({ required: [peer] }));
  }
  return out;
}

function convert(d: Described, path: string, options: ConversionOptions): JsonSchema {
  for (const part of Object.keys(d)) if (!knownParts.has(part)) throw new UnsupportedSchemaError(path, `"${part}"`);
  for (const flag of Object.keys(d.flags ?? {})) if (!knownFlags.has(flag)) throw new UnsupportedSchemaError(path, `the flag "${flag}"`);
  for (const [pref, value] of Object.entries(d.preferences ?? {})) {
    if (pref !== 'convert' || value !== false) throw new UnsupportedSchemaError(path, `the preference ${pref}: ${String(value)}`);
  }
  const notes: string[] = [];
  let out: JsonSchema;
  if (d.type === 'string') out = stringSchema(d, path, notes, options);
  else if (d.type === 'number' || d.type === 'queryInteger') out = numberSchema(d, path);
  else if (d.type === 'array') out = arraySchema(d, path, notes, options);
  else if (d.type === 'object') out = objectSchema(d, path, options);
  else if (d.type === 'boolean' && d.preferences?.convert === false) out = { type: 'boolean' };
  else if (d.type === 'any') out = {};
  else throw new UnsupportedSchemaError(path, `the type "${d.type}"${d.type === 'boolean' ? ' without .strict()' : ''}`);

  const allowed = d.allow ?? [];
  if (d.flags?.only === true) {
    out.enum = allowed;
    if (out.type !== undefined && allowed.includes(null)) out.type = [out.type, 'null'];
  } else {
    // An allowed '' needs no mention where the string schema takes it anyway.
    const patterns = [out.pattern, ...((out.allOf as JsonSchema[] | undefined) ?? []).map((p) => p.pattern)].filter((p): p is string => p !== undefined);
    const takesEmpty = out.type === 'string' && out.minLength === undefined && out.format === undefined && patterns.every((p) => new RegExp(p, 'u').test(''));
    const extras = allowed.filter((value) => value !== null && !(value === '' && takesEmpty));
    if (allowed.includes(null) && out.type !== undefined) out.type = [out.type, 'null'];
    if (extras.length) out = { anyOf: [out, { enum: extras }] };
  }
  const description = [d.flags?.description as string | undefined, ...notes].filter(Boolean).join(' ');
  if (description && !options.produced) out = { description, ...out };
  if (d.flags?.default !== undefined && typeof d.flags.default !== 'function') out.default = d.flags.default;
  if (d.examples?.length) out.examples = d.examples;
  return out;
}

/**
 * The JSON Schema (2020-12, as OpenAPI 3.1 uses it) of what a joi schema accepts, read from its
 * describe() output. Only the joi features the platform's HTTP schemas use are known; any other
 * throws, so that a new rule is either given its JSON Schema form here or kept out of the contract.
 * Rules JSON Schema cannot state (trimming, case folding, uniqueness by key) are written in the
 * description.
 */
export function joiToJsonSchema(schema: Joi.Schema, options: ConversionOptions = {}): JsonSchema {
  return convert(schema.describe() as Described, '', options);
}

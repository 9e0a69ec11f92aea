import Joi from 'joi';
import { contractLimits, uuid } from '@shop/contracts';
import { notFound, queryInteger, validationError } from '@shop/platform';

/**
 * Every offending field is reported at once; unknown keys are refused, never silently dropped.
 * Types are not coerced: the schemas' numbers are strict (a "2" is no quantity), and query integers
 * accept only canonical decimal strings (queryInteger).
 */
export function validate<T>(schema: Joi.Schema, value: unknown): T {
  const { value: valid, error } = schema.validate(value, { abortEarly: false, allowUnknown: false, stripUnknown: false });
  if (error) throw validationError(error);
  return valid as T;
}

/** A malformed id names no resource, so it is a 404 like an unknown one. */
export function pathId(value: unknown, what: string): string {
  const { value: id, error } = uuid.required().validate(value);
  if (error) throw notFound(what);
  return id as string;
}

export const limitSchema = queryInteger().min(1).max(contractLimits.pageSize).default(20);
export const cursorSchema = Joi.string().min(1).max(contractLimits.cursor);

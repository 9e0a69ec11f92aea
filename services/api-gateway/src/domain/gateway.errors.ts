import { AppError } from '@shop/platform';

export const missingToken = (): AppError => new AppError('unauthenticated', 'Send a bearer token in the Authorization header', 401);
export const invalidToken = (): AppError => new AppError('invalid-token', 'The bearer token is invalid or expired', 401);
export const forbidden = (): AppError => new AppError('forbidden', 'Your role may not do this', 403);
export const idempotencyKeyReused = (): AppError =>
  new AppError('idempotency-key-reused', 'This Idempotency-Key was already used with a different request body', 422);

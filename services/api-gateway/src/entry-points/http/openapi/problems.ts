/**
 * The problem+json `code` values each kind of route can answer with, by status. They come from
 * the platform (body parsing, the error handler), the gateway (auth, validation, idempotency) and
 * the services behind it (their AppErrors travel back over RPC unchanged).
 */
type Problems = Record<number, string[]>;

export function problems(...groups: Problems[]): Problems {
  const merged: Problems = {};
  for (const group of groups) for (const [status, codes] of Object.entries(group)) merged[Number(status)] = [...new Set([...(merged[Number(status)] ?? []), ...codes])];
  return merged;
}

/** Every route: an unexpected failure is a generic 500 without internals. */
export const internal: Problems = { 500: ['internal-error'] };
/** Routes for any signed-in caller. */
export const signedIn: Problems = { 401: ['unauthenticated', 'invalid-token'] };
/** Routes for admins only. */
export const adminOnly: Problems = { ...signedIn, 403: ['forbidden'] };
/** Routes that read a JSON body. */
export const jsonBody: Problems = {
  400: ['validation-error', 'malformed-json', 'bad-request'],
  413: ['payload-too-large'],
  415: ['unsupported-media-type', 'unsupported-encoding', 'unsupported-charset'],
};
/** Routes with a query. */
export const query: Problems = { 400: ['validation-error', 'malformed-uri'] };
/** Routes that name a resource by id: an id that is no UUID names nothing, like an unknown one. */
export const byId: Problems = { 400: ['malformed-uri'], 404: ['not-found'] };
/** Routes that ask a service behind the gateway (request/reply over RabbitMQ). */
export const upstream: Problems = { 502: ['bad-reply'], 503: ['service-unavailable', 'upstream-timeout'] };
/** Writes the owning service stores. */
export const stored: Problems = { 422: ['unprocessable-data'] };

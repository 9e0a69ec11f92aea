import Joi from 'joi';
import { errors, jwtVerify, type JWTVerifyGetKey, type KeyLike } from 'jose';
import { uuid, type Caller, type Role } from '@shop/contracts';
import { unavailable } from '@shop/platform';
import { invalidToken } from './gateway.errors';

/** What the gateway accepts from an identity provider: signatures a public key checks, never a shared secret. */
export const asymmetricAlgorithms = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA'] as const;

export interface TokenVerification {
  issuer: string;
  audience: string;
  /** Allowed skew between the identity provider's clock and ours, for exp, nbf and iat. */
  clockToleranceS: number;
  /** The only algorithms accepted: asymmetric ones, or HS256 alone in the dev-only mode. */
  algorithms: string[];
  /** A key set that picks the key by the token's kid (JWKS), one public key, or the dev-only HMAC secret. */
  key: JWTVerifyGetKey | KeyLike | Uint8Array;
}

const claimsSchema = Joi.object({
  sub: uuid.required(),
  role: Joi.string().valid('customer', 'admin').required(),
}).unknown(true);

const CACHE_SIZE = 10_000;

/**
 * The key set could not be fetched (the identity provider is down or slow): that is no fault of
 * the token, so 503, not 401. Every failure of the token itself is a JOSE or a claims error.
 */
const keysUnreachable = (err: unknown): boolean =>
  err instanceof errors.JWKSTimeout || !(err instanceof errors.JOSEError || err instanceof Joi.ValidationError);

/**
 * Any failure is the same 401: telling a caller why a token failed only helps forge one.
 * Verified tokens are remembered until they expire: clients send the same token with every
 * request, and a signature check plus claim validation per request is the gateway's largest fixed
 * cost. So a key withdrawn from the JWKS stops new tokens at once, but tokens it signed and that
 * were already seen here stay valid until their exp (short-lived tokens keep that window small).
 */
export function createTokenVerifier(verification: TokenVerification, clock: { now(): number } = Date): (token: string) => Promise<Caller> {
  const { key, issuer, audience, algorithms, clockToleranceS } = verification;
  const options = { issuer, audience, algorithms, clockTolerance: clockToleranceS, requiredClaims: ['iss', 'aud', 'exp', 'sub'] };
  const verified = new Map<string, { caller: Caller; expiresAt: number }>();
  return async (token) => {
    const now = clock.now();
    const known = verified.get(token);
    if (known && known.expiresAt > now) return known.caller;
    try {
      // The fixed algorithm list keeps `alg: none` and key-confusion tokens out.
      const { payload } =
        typeof key === 'function'
          ? await jwtVerify(token, key, { ...options, currentDate: new Date(now) })
          : await jwtVerify(token, key, { ...options, currentDate: new Date(now) });
      const { value, error } = claimsSchema.validate(payload);
      if (error) throw error;
      const caller = { customerId: value.sub as string, role: value.role as Role };
      if (verified.size >= CACHE_SIZE) verified.delete(verified.keys().next().value!);
      verified.set(token, { caller, expiresAt: (payload.exp as number) * 1000 });
      return caller;
    } catch (err) {
      verified.delete(token);
      if (keysUnreachable(err)) throw unavailable("The identity provider's keys cannot be fetched", err);
      throw invalidToken();
    }
  };
}

import Joi from 'joi';
import { jwtVerify, SignJWT } from 'jose';
import { uuid, type Caller, type Role } from '@shop/contracts';
import { invalidToken } from './gateway.errors';

/** The operator identity the token tool signs for `--admin`; it owns no orders. */
export const demoAdminId = '00000000-0000-4000-8000-00000000ad01';

export interface TokenKey {
  secret: string;
  issuer: string;
}

export interface TokenRequest extends TokenKey {
  sub: string;
  role: Role;
  /** Seconds from now; negative values mint an already expired token (tests). */
  expiresIn: number;
}

const encodeKey = (secret: string): Uint8Array => new TextEncoder().encode(secret);

export async function signToken({ sub, role, secret, issuer, expiresIn }: TokenRequest): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(issuer)
    .setIssuedAt(now)
    .setExpirationTime(now + expiresIn)
    .sign(encodeKey(secret));
}

const claimsSchema = Joi.object({
  sub: uuid.required(),
  role: Joi.string().valid('customer', 'admin').required(),
}).unknown(true);

const CACHE_SIZE = 10_000;

/**
 * Any failure is the same 401: telling a caller why a token failed only helps forge one.
 * Verified tokens are remembered until they expire: clients send the same token with every
 * request, and an HMAC check plus claim validation per request is the gateway's largest fixed cost.
 */
export function createTokenVerifier({ secret, issuer }: TokenKey, clock: { now(): number } = Date): (token: string) => Promise<Caller> {
  const key = encodeKey(secret);
  const verified = new Map<string, { caller: Caller; expiresAt: number }>();
  return async (token) => {
    const now = clock.now();
    const known = verified.get(token);
    if (known && known.expiresAt > now) return known.caller;
    try {
      // A fixed algorithm list keeps `alg: none` and key-confusion tokens out.
      const { payload } = await jwtVerify(token, key, {
        issuer,
        algorithms: ['HS256'],
        requiredClaims: ['exp', 'sub'],
        currentDate: new Date(now),
      });
      const { value, error } = claimsSchema.validate(payload);
      if (error) throw error;
      const caller = { customerId: value.sub as string, role: value.role as Role };
      if (verified.size >= CACHE_SIZE) verified.delete(verified.keys().next().value!);
      verified.set(token, { caller, expiresAt: (payload.exp as number) * 1000 });
      return caller;
    } catch {
      verified.delete(token);
      throw invalidToken();
    }
  };
}

import { SignJWT } from 'jose';

export interface TokenKey {
  secret: string;
  issuer: string;
}

/** The same HS256 tokens the gateway verifies; minted here so a run needs no login round trip. */
export async function mintToken(key: TokenKey, sub: string, role: 'customer' | 'admin', ttlSeconds = 6 * 3600): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(key.issuer)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(new TextEncoder().encode(key.secret));
}

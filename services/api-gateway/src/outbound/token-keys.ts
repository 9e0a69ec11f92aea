import { createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet } from 'jose';
import { ConfigError } from '@shop/platform';
import type { IdentitySettings } from '../config';
import type { TokenVerification } from '../domain/tokens';

/** How long one JWKS fetch may take before the token that asked for it gets a 401. */
const JWKS_TIMEOUT_MS = 5000;

/**
 * Where the verification keys come from. A JWKS URL is fetched on the first token, cached, and
 * fetched again when a token names a kid the cache does not know (the identity provider rotated
 * its key), at most once per cooldown, so unknown kids cannot make the gateway hammer the provider.
 */
export async function loadTokenVerification(identity: IdentitySettings): Promise<TokenVerification> {
  const { issuer, audience, clockToleranceS, keys } = identity;
  const base = { issuer, audience, clockToleranceS };
  switch (keys.kind) {
    case 'dev-hs256':
      return { ...base, algorithms: ['HS256'], key: new TextEncoder().encode(keys.secret) };
    case 'jwks-url':
      return {
        ...base,
        algorithms: keys.algorithms,
        key: createRemoteJWKSet(new URL(keys.url), { cooldownDuration: keys.cooldownMs, cacheMaxAge: keys.maxAgeMs, timeoutDuration: JWKS_TIMEOUT_MS }),
      };
    case 'key-file':
      return { ...base, algorithms: keys.algorithms, key: await readKeyFile(keys.file) };
  }
}

/** A JWKS, a single JWK, or a PEM public key; a file that holds private key material is refused. */
async function readKeyFile(file: string) {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`"JWT_PUBLIC_KEY_FILE" cannot be read: ${(err as Error).message}`]);
  }
  const refuse = (why: string): never => {
    throw new ConfigError([`"JWT_PUBLIC_KEY_FILE" ${file}: ${why}`]);
  };
  if (text.trimStart().startsWith('{')) {
    let parsed: { keys?: unknown } = {};
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch (err) {
      refuse(`is not valid JSON (${(err as Error).message})`);
    }
    const jwks = (Array.isArray(parsed.keys) ? parsed : { keys: [parsed] }) as JSONWebKeySet;
    if (jwks.keys.length === 0) refuse('holds no key');
    if (jwks.keys.some((k) => 'd' in k)) refuse('holds a private key; give the gateway the public keys only');
    return createLocalJWKSet(jwks);
  }
  if (/PRIVATE KEY/.test(text)) refuse('holds a private key; give the gateway the public key only');
  try {
    return createPublicKey(text);
  } catch (err) {
    return refuse(`is neither a JWKS nor a PEM public key (${(err as Error).message})`);
  }
}

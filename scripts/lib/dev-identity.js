// The local identity provider's part: one ES256 key pair per machine, made on first use and kept,
// whose public JWKS the gateway verifies against (JWT_PUBLIC_KEY_FILE) and whose private key signs
// the tokens of `npm run token`, the test kit and the load tool. In a cluster an identity provider
// (Keycloak, Dex) holds the private key instead and the gateway reads its JWKS URL.
const { createHash, createPrivateKey, generateKeyPairSync } = require('node:crypto');
const { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const issuer = 'order-platform-dev';
const audience = 'order-platform';
/** Only for a kind/k3d cluster installed with values-dev.yaml (`npm run token -- --hs256`); never in production. */
const DEV_HS256_SECRET = 'local-development-secret-not-for-production';

const keysDir = () => process.env.PLATFORM_DEV_KEYS_DIR ?? path.join(os.homedir(), '.cache', 'order-platform', 'dev-keys');

/** RFC 7638 thumbprint: a kid that changes exactly when the key does. */
const thumbprint = ({ crv, kty, x, y }) => createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url');

/**
 * The key files, made once. Two processes starting at the same moment both generate, and only the
 * first link wins, so the private key never changes under a running gateway.
 */
function ensureDevKeys() {
  const dir = keysDir();
  const signingKeyFile = path.join(dir, 'signing-key.jwk.json');
  const jwksFile = path.join(dir, 'jwks.json');
  if (!existsSync(signingKeyFile)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = privateKey.export({ format: 'jwk' });
    const tmp = `${signingKeyFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ ...jwk, kid: thumbprint(jwk), alg: 'ES256', use: 'sig' }), { mode: 0o600 });
    try {
      linkSync(tmp, signingKeyFile);
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    } finally {
      rmSync(tmp, { force: true });
    }
  }
  const privateJwk = JSON.parse(readFileSync(signingKeyFile, 'utf8'));
  const published = existsSync(jwksFile) ? JSON.parse(readFileSync(jwksFile, 'utf8')) : { keys: [] };
  if (published.keys[0]?.kid !== privateJwk.kid) {
    const { d: _private, ...publicJwk } = privateJwk;
    const tmp = `${jwksFile}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ keys: [publicJwk] }, null, 2)}\n`);
    renameSync(tmp, jwksFile);
  }
  return { signingKeyFile, jwksFile, privateJwk };
}

/**
 * A token as the identity provider would issue it: ES256 with the dev key, or HS256 with the dev
 * secret for a cluster that runs the gateway in its dev-only HS256 mode.
 */
let signingKey;
async function signDevToken({ sub, role, expiresIn = 3600, hs256 = false }) {
  const { SignJWT } = require('jose');
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ role }).setSubject(sub).setIssuer(issuer).setAudience(audience).setIssuedAt(now).setExpirationTime(now + expiresIn);
  if (hs256) return jwt.setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(DEV_HS256_SECRET));
  if (!signingKey) {
    const { privateJwk } = ensureDevKeys();
    signingKey = { kid: privateJwk.kid, key: createPrivateKey({ key: privateJwk, format: 'jwk' }) };
  }
  return jwt.setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: signingKey.kid }).sign(signingKey.key);
}

module.exports = { issuer, audience, DEV_HS256_SECRET, ensureDevKeys, signDevToken };

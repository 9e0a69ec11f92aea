import { readFileSync } from 'node:fs';
import { SignJWT, UnsecuredJWT } from 'jose';
import { newId } from '@shop/contracts';
import { aValidOrder, audience, issuer, newSigningKey, startTestGateway, testIdentity, tokenFor } from './gateway.harness';

const now = () => Math.floor(Date.now() / 1000);
const devSecret = new TextEncoder().encode('local-development-secret-not-for-production');

describe('api-gateway authentication and roles', () => {
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;

  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(async () => {
    await gateway.stop();
  });

  test('when no Authorization header is sent, then 401 problem+json with WWW-Authenticate: Bearer', async () => {
    const res = await gateway.http.post('/v1/orders').send(aValidOrder());

    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
    expect(res.body).toMatchObject({ status: 401, code: 'unauthenticated' });
  });

  /** A well-formed customer token with the given header, signed with the given key. */
  const signed = (header: { alg: string; kid?: string }, key: Parameters<SignJWT['sign']>[0], claims: { exp?: boolean } = {}) => {
    const jwt = new SignJWT({ role: 'customer' }).setProtectedHeader(header).setSubject(newId()).setIssuer(issuer).setAudience(audience);
    return (claims.exp === false ? jwt : jwt.setExpirationTime(now() + 300)).sign(key);
  };

  const badTokens: Array<[string, () => Promise<string>]> = [
    ['signed by a key the identity provider does not publish, under a kid it does', async () => {
      const [published, stranger] = [JSON.parse(readFileSync((await testIdentity).jwksFile, 'utf8')).keys[0], await newSigningKey()];
      return signed({ alg: 'ES256', kid: published.kid }, stranger.privateKey);
    }],
    ['signed by an unknown key', async () => tokenFor({ key: await newSigningKey('RS256') })],
    ['expired beyond the clock tolerance', () => tokenFor({ expiresIn: -60 })],
    ['from another issuer', () => tokenFor({ issuer: 'https://someone-else.test' })],
    ['for another audience', () => tokenFor({ audience: 'another-api' })],
    ['without an audience', async () => {
      const { privateKey, kid } = (await testIdentity).key;
      return new SignJWT({ role: 'customer' }).setProtectedHeader({ alg: 'ES256', kid }).setSubject(newId()).setIssuer(issuer).setExpirationTime(now() + 300).sign(privateKey);
    }],
    ['without exp', async () => {
      const { privateKey, kid } = (await testIdentity).key;
      return signed({ alg: 'ES256', kid }, privateKey, { exp: false });
    }],
    ['unsigned (alg none)', async () => new UnsecuredJWT({ role: 'customer' }).setSubject(newId()).setIssuer(issuer).setAudience(audience).setExpirationTime(now() + 300).encode()],
    // Algorithm confusion: the published public key used as an HMAC secret.
    ['HS256 keyed with the public key', async () => signed({ alg: 'HS256' }, new TextEncoder().encode(readFileSync((await testIdentity).jwksFile, 'utf8')))],
    ['HS256 with the development secret', () => signed({ alg: 'HS256' }, devSecret)],
    ['for a subject that is not a uuid', () => tokenFor({ sub: 'customer-1' })],
    ['with an unknown role', () => tokenFor({ role: 'superuser' as never })],
    ['not a JWT at all', async () => 'not-a-token'],
  ];

  test.each(badTokens)('when the token is %s, then 401 with WWW-Authenticate: Bearer', async (_name, mint) => {
    const res = await gateway.http.post('/v1/orders').set('Authorization', `Bearer ${await mint()}`).send(aValidOrder());

    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
    expect(JSON.stringify(res.body)).not.toMatch(/stack|at .*\.ts/);
  });

  test('when a token expired less than the clock tolerance ago, then it is still accepted', async () => {
    const res = await gateway.http.post('/v1/orders').set('Authorization', `Bearer ${await tokenFor({ expiresIn: -10 })}`).send({});

    expect(res.status).toBe(400);
  });

  test('when a token is not valid before a time within the clock tolerance, then it is accepted; beyond it, 401', async () => {
    const { privateKey, kid } = (await testIdentity).key;
    const notBefore = (seconds: number) =>
      new SignJWT({ role: 'customer' }).setProtectedHeader({ alg: 'ES256', kid }).setSubject(newId()).setIssuer(issuer).setAudience(audience)
        .setNotBefore(now() + seconds).setExpirationTime(now() + 300).sign(privateKey);

    const soon = await gateway.http.post('/v1/orders').set('Authorization', `Bearer ${await notBefore(10)}`).send({});
    const later = await gateway.http.post('/v1/orders').set('Authorization', `Bearer ${await notBefore(120)}`).send({});

    expect(soon.status).toBe(400);
    expect(later.status).toBe(401);
  });

  test('when the Authorization scheme is not Bearer, then 401', async () => {
    const res = await gateway.http.get('/v1/orders').set('Authorization', `Basic ${Buffer.from('a:b').toString('base64')}`);

    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
  });

  const adminRoutes: Array<[string, string, object]> = [
    ['post', '/v1/customers', { name: 'Ada', email: 'ada@example.com' }],
    ['patch', `/v1/customers/${newId()}`, { name: 'Ada' }],
    ['post', '/v1/products', { name: 'Lamp', price: 1000, stock: 5 }],
    ['patch', `/v1/products/${newId()}`, { price: 1200 }],
  ];

  test.each(adminRoutes)('when a customer calls the admin route %s %s, then 403', async (method, path, body) => {
    const token = await tokenFor({ role: 'customer' });

    const res = await gateway.http[method as 'post' | 'patch'](path).set('Authorization', `Bearer ${token}`).send(body);

    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 403, code: 'forbidden' });
  });

  test('when an admin calls an admin route with a bad body, then the role passes and validation answers 400', async () => {
    const token = await tokenFor({ role: 'admin' });

    const res = await gateway.http.post('/v1/products').set('Authorization', `Bearer ${token}`).send({ name: 'Lamp' });

    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation-error');
  });
});

describe('api-gateway in the dev-only HS256 mode', () => {
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;

  beforeAll(async () => {
    gateway = await startTestGateway({ JWT_PUBLIC_KEY_FILE: undefined, JWT_ALLOW_HS256: 'dev', JWT_DEV_HS256_SECRET: 'local-development-secret-not-for-production' });
  });
  afterAll(async () => {
    await gateway.stop();
  });

  test('when a token is HS256 with the dev secret, then it is accepted; an ES256 token is not', async () => {
    const hs256 = await new SignJWT({ role: 'customer' }).setProtectedHeader({ alg: 'HS256' }).setSubject(newId()).setIssuer(issuer).setAudience(audience).setExpirationTime(now() + 300).sign(devSecret);

    const accepted = await gateway.http.post('/v1/orders').set('Authorization', `Bearer ${hs256}`).send({});
    const refused = await gateway.http.post('/v1/orders').set('Authorization', `Bearer ${await tokenFor()}`).send({});

    expect(accepted.status).toBe(400);
    expect(refused.status).toBe(401);
  });
});

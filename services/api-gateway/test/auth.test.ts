import { SignJWT, UnsecuredJWT } from 'jose';
import { newId } from '@shop/contracts';
import { aValidOrder, issuer, secret, startTestGateway, tokenFor } from './gateway.harness';

const key = new TextEncoder().encode(secret);
const now = () => Math.floor(Date.now() / 1000);

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

  const badTokens: Array<[string, () => Promise<string>]> = [
    ['signed with another secret', () => tokenFor({ secret: 'another-secret-that-is-long-enough-too' })],
    ['expired', () => tokenFor({ expiresIn: -60 })],
    ['from another issuer', () => tokenFor({ issuer: 'someone-else' })],
    ['without exp', () => new SignJWT({ role: 'customer' }).setProtectedHeader({ alg: 'HS256' }).setSubject(newId()).setIssuer(issuer).sign(key)],
    ['unsigned (alg none)', async () => new UnsecuredJWT({ role: 'customer' }).setSubject(newId()).setIssuer(issuer).setExpirationTime(now() + 300).encode()],
    ['signed with HS512', () => new SignJWT({ role: 'customer' }).setProtectedHeader({ alg: 'HS512' }).setSubject(newId()).setIssuer(issuer).setExpirationTime(now() + 300).sign(key)],
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

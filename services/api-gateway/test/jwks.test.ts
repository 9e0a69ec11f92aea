import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newSigningKey, startTestGateway, tokenFor, type SigningKey } from './gateway.harness';

/** The identity provider's JWKS endpoint: serves whatever keys it holds now and counts the fetches. */
function jwksEndpoint() {
  let keys: SigningKey[] = [];
  let fetches = 0;
  const server: Server = createServer((_req, res) => {
    fetches += 1;
    res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify({ keys: keys.map((k) => k.publicJwk) }));
  });
  return {
    async listen(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/shop/protocol/openid-connect/certs`;
    },
    publish: (...next: SigningKey[]) => void (keys = next),
    fetches: () => fetches,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Kept-alive sockets would otherwise still answer the next fetch.
        server.closeAllConnections();
      }),
  };
}

const COOLDOWN_MS = 500;

describe('api-gateway keys from a JWKS URL', () => {
  const idp = jwksEndpoint();
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let first: SigningKey;

  /** Authenticated and then refused by validation (400), or refused at the door (401). */
  const statusWith = async (token: string) => (await gateway.http.post('/v1/orders').set('Authorization', `Bearer ${token}`).send({})).status;

  beforeAll(async () => {
    first = await newSigningKey('ES256');
    idp.publish(first);
    gateway = await startTestGateway({
      JWT_PUBLIC_KEY_FILE: undefined,
      JWT_JWKS_URL: await idp.listen(),
      JWT_JWKS_COOLDOWN_MS: String(COOLDOWN_MS),
      JWT_CLOCK_TOLERANCE_S: '0',
    });
  });
  afterAll(async () => {
    await gateway.stop();
    await idp.close();
  });

  test('when the identity provider rotates to a new key, then tokens of the new key are accepted once the cooldown passed, and new tokens of the withdrawn key are not', async () => {
    expect(await statusWith(await tokenFor({ key: first }))).toBe(400);
    const fetchesBefore = idp.fetches();

    const second = await newSigningKey('RS256');
    idp.publish(second);
    await new Promise((resolve) => setTimeout(resolve, COOLDOWN_MS + 100));

    expect(await statusWith(await tokenFor({ key: second }))).toBe(400);
    expect(idp.fetches()).toBe(fetchesBefore + 1);
    expect(await statusWith(await tokenFor({ key: first }))).toBe(401);
  });

  test('when many tokens name kids the key set does not know, then the JWKS is fetched at most once per cooldown and each gets 401', async () => {
    await new Promise((resolve) => setTimeout(resolve, COOLDOWN_MS + 100));
    const fetchesBefore = idp.fetches();
    const strangers = await Promise.all(Array.from({ length: 5 }, () => newSigningKey('ES256')));

    const statuses = [];
    for (const key of strangers) statuses.push(await statusWith(await tokenFor({ key })));

    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect(idp.fetches() - fetchesBefore).toBe(1);
  });

  test('when an EdDSA key is published, then its tokens are accepted (an allowed algorithm)', async () => {
    await new Promise((resolve) => setTimeout(resolve, COOLDOWN_MS + 100));
    const ed = await newSigningKey('EdDSA');
    idp.publish(ed);

    expect(await statusWith(await tokenFor({ key: ed }))).toBe(400);
  });

  test('when the clock tolerance is 0, then a token that expired a few seconds ago is refused', async () => {
    const ed = await newSigningKey('ES256');
    idp.publish(ed);
    await new Promise((resolve) => setTimeout(resolve, COOLDOWN_MS + 100));

    expect(await statusWith(await tokenFor({ key: ed, expiresIn: 60 }))).toBe(400);
    expect(await statusWith(await tokenFor({ key: ed, expiresIn: -5 }))).toBe(401);
  });

  test('when the identity provider cannot be reached, then a token of a new key gets 503 (not the token\'s fault) and one of a cached key is still served', async () => {
    const known = await newSigningKey('ES256');
    idp.publish(known);
    await new Promise((resolve) => setTimeout(resolve, COOLDOWN_MS + 100));
    expect(await statusWith(await tokenFor({ key: known }))).toBe(400);

    await idp.close();
    await new Promise((resolve) => setTimeout(resolve, COOLDOWN_MS + 100));
    const unreachable = await gateway.http.post('/v1/orders').set('Authorization', `Bearer ${await tokenFor({ key: await newSigningKey('ES256') })}`).send({});

    expect(unreachable.status).toBe(503);
    expect(unreachable.body).toMatchObject({ status: 503, code: 'service-unavailable' });
    expect(await statusWith(await tokenFor({ key: known }))).toBe(400);
  });
});

import { randomUUID } from 'node:crypto';
import { generateKeyPair, SignJWT, type KeyLike } from 'jose';
import { createTokenVerifier, type TokenVerification } from './tokens';

const issuer = 'https://idp.test/realms/shop';
const audience = 'order-platform';

async function keys() {
  const [good, other] = await Promise.all([generateKeyPair('ES256'), generateKeyPair('ES256')]);
  const verification: TokenVerification = { issuer, audience, algorithms: ['ES256'], clockToleranceS: 30, key: good.publicKey };
  return { verification, good: good.privateKey, other: other.privateKey };
}

const sign = (key: KeyLike, sub: string, role: string, exp: number) =>
  new SignJWT({ role }).setProtectedHeader({ alg: 'ES256' }).setSubject(sub).setIssuer(issuer).setAudience(audience).setExpirationTime(exp).sign(key);

describe('token verifier', () => {
  it('when a verified token expires, then the remembered verification no longer lets it in once the tolerance is over', async () => {
    const { verification, good } = await keys();
    let now = Date.now();
    const verify = createTokenVerifier(verification, { now: () => now });
    const sub = randomUUID();
    const token = await sign(good, sub, 'customer', Math.floor(now / 1000) + 60);

    await expect(verify(token)).resolves.toEqual({ customerId: sub, role: 'customer' });
    now += 59_000;
    await expect(verify(token)).resolves.toEqual({ customerId: sub, role: 'customer' });
    now += 20_000;
    await expect(verify(token)).resolves.toEqual({ customerId: sub, role: 'customer' });
    now += 15_000;

    await expect(verify(token)).rejects.toMatchObject({ status: 401 });
  });

  it('when a token is signed with another key, then it is refused even after a good token was seen', async () => {
    const { verification, good, other } = await keys();
    const verify = createTokenVerifier(verification);
    const sub = randomUUID();
    const exp = Math.floor(Date.now() / 1000) + 60;
    await verify(await sign(good, sub, 'admin', exp));

    await expect(verify(await sign(other, sub, 'admin', exp))).rejects.toMatchObject({ status: 401 });
  });
});

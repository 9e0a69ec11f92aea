import { randomUUID } from 'node:crypto';
import { createTokenVerifier, signToken } from './tokens';

const key = { secret: 'a-test-secret-that-is-long-enough-000', issuer: 'order-platform' };

describe('token verifier', () => {
  it('when a verified token expires, then the remembered verification no longer lets it in', async () => {
    let now = Date.now();
    const verify = createTokenVerifier(key, { now: () => now });
    const sub = randomUUID();
    const token = await signToken({ ...key, sub, role: 'customer', expiresIn: 60 });

    await expect(verify(token)).resolves.toEqual({ customerId: sub, role: 'customer' });
    now += 59_000;
    await expect(verify(token)).resolves.toEqual({ customerId: sub, role: 'customer' });
    now += 2_000;

    await expect(verify(token)).rejects.toMatchObject({ status: 401 });
  });

  it('when a token is signed with another secret, then it is refused even after a good token was seen', async () => {
    const verify = createTokenVerifier(key);
    const sub = randomUUID();
    await verify(await signToken({ ...key, sub, role: 'admin', expiresIn: 60 }));

    const forged = await signToken({ ...key, secret: 'another-secret-that-is-long-enough-00', sub, role: 'admin', expiresIn: 60 });

    await expect(verify(forged)).rejects.toMatchObject({ status: 401 });
  });
});

import { SignJWT } from 'jose';
import { JWT_SECRET } from './local-env';

export async function tokenFor(sub: string, role: 'customer' | 'admin' = 'customer', expiresIn = '1h'): Promise<string> {
  return new SignJWT({ role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer('order-platform')
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(JWT_SECRET));
}

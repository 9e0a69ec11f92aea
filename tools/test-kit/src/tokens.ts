import { devIdentity } from './local-env';

/** A token as the local identity provider issues it (ES256 with this machine's dev key, scripts/lib/dev-identity.js). */
export async function tokenFor(sub: string, role: 'customer' | 'admin' = 'customer', expiresInSeconds = 3600): Promise<string> {
  return devIdentity.signDevToken({ sub, role, expiresIn: expiresInSeconds });
}

import { localEnv } from '../repo';

/**
 * Tokens as the local identity provider issues them (ES256 with this machine's dev key, which the
 * gateways of `npm start` and the test profile trust); minted here so a run needs no login round trip.
 */
export const mintToken = (sub: string, role: 'customer' | 'admin', ttlSeconds = 6 * 3600): Promise<string> =>
  localEnv.devIdentity.signDevToken({ sub, role, expiresIn: ttlSeconds });

import type { RequestHandler, Response } from 'express';
import type { Caller, Role } from '@shop/contracts';
import { forbidden, missingToken } from '../../domain/gateway.errors';

const BEARER = /^Bearer +([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*) *$/i;

/** Returns a middleware factory: `requireRole('admin')` lets only admins through. */
export function createAuth(verify: (token: string) => Promise<Caller>) {
  return (...roles: Role[]): RequestHandler =>
    async (req, res, next) => {
      const match = BEARER.exec(req.headers.authorization ?? '');
      try {
        if (!match) throw missingToken();
        const caller = await verify(match[1]);
        if (!roles.includes(caller.role)) throw forbidden();
        res.locals.caller = caller;
      } catch (err) {
        if ((err as { status?: number }).status === 401) {
          res.setHeader('WWW-Authenticate', match ? 'Bearer realm="order-platform", error="invalid_token"' : 'Bearer realm="order-platform"');
        }
        throw err;
      }
      next();
    };
}

export const callerOf = (res: Response): Caller => res.locals.caller as Caller;

// Finds who is calling, before any route runs: a bearer token (ADMIN_API_TOKEN, or an API token)
// or the session cookie. Routes then answer 401 when nobody was found and 403 when the caller's
// role does not allow the route (api/route.ts). A cookie-authenticated request that changes
// something must come from our own pages (or the Temporal UI, for the codec): with SameSite=Lax
// this closes cross-site request forgery.
import type { NextFunction, Request, Response } from 'express';
import { apiTokenUserId } from './apiTokens';
import { readCookie, sessionCookieName } from './cookies';
import type { Principal } from './principal';
import { sameSecret } from './secrets';
import { sessionUserId } from './sessions';
import { activeUser, principalOf } from './users';

export interface AuthOptions {
  publicUrl: string;
  adminApiToken?: string;
  /** Origins besides our own whose pages may send cookie-authenticated requests (the Temporal UI). */
  trustedOrigins: string[];
}

const ADMIN_TOKEN_PRINCIPAL: Principal = {
  userId: 'admin-api-token',
  name: 'ADMIN_API_TOKEN',
  role: 'admin',
  kbEditor: true,
  via: 'adminToken',
};

export const callerOf = (res: Response): Principal | undefined => res.locals.principal as Principal | undefined;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function authenticate(options: AuthOptions) {
  const cookieName = sessionCookieName(options.publicUrl);
  const ownOrigin = new URL(options.publicUrl).origin;
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (bearer) {
      if (options.adminApiToken && sameSecret(bearer, options.adminApiToken)) {
        res.locals.principal = ADMIN_TOKEN_PRINCIPAL;
      } else {
        const userId = await apiTokenUserId(bearer);
        const user = userId ? await activeUser(userId) : undefined;
        if (user) res.locals.principal = principalOf(user, 'apiToken');
        else res.locals.credentialProblem = 'invalid or revoked token';
      }
      return next();
    }
    const session = readCookie(req, cookieName);
    if (!session) return next();
    const userId = await sessionUserId(session);
    const user = userId ? await activeUser(userId) : undefined;
    if (!user) {
      res.locals.credentialProblem = 'session expired: sign in again';
      return next();
    }
    const origin = req.headers.origin;
    if (!SAFE_METHODS.has(req.method) && origin && origin !== ownOrigin && !sameOriginAsRequest(req, origin)) {
      if (!options.trustedOrigins.includes(origin)) {
        res.status(403).json({ error: `cross-origin request from ${origin} refused` });
        return;
      }
    }
    res.locals.principal = principalOf(user, 'session');
    next();
  };
}

/** Our pages reached at another address than PUBLIC_URL (127.0.0.1 vs localhost in development). */
function sameOriginAsRequest(req: Request, origin: string): boolean {
  return origin === `${req.protocol}://${req.headers.host ?? ''}`;
}

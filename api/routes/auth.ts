// Signing in and out: with a password (scrypt-hashed, throttled against guessing), or with WeCom
// (OAuth2 code → userid, when WECOM_AGENT_ID is configured). A sign-in sets the session cookie;
// /api/auth/me says who is signed in; users change their own password here.
import { z } from 'zod';
import type { Config } from '../../config/env';
import type { Logger } from '../../config/logger';
import { UserModel } from '../../db/models/user';
import { WecomApiError } from '../../wecom/errors';
import { clearCookie, readCookie, sessionCookieName, setCookie } from '../auth/cookies';
import { LoginThrottle } from '../auth/loginThrottle';
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from '../auth/passwords';
import { newSecret, sameSecret } from '../auth/secrets';
import { endSession, endSessionsOf, startSession } from '../auth/sessions';
import { activeUser, principalOf } from '../auth/users';
import { isWecomClient, wecomAuthorizeUrl } from '../auth/wecomSignIn';
import { defineRoute, type Route } from '../route';
import { HttpError } from '../validate';

export interface SignInDeps {
  config: Config;
  log: Logger;
  /** The WeCom member behind a sign-in code; present when signing in with WeCom is configured. */
  wecomUserIdForCode?: (code: string) => Promise<string | undefined>;
}

const STATE_COOKIE = 'cs_wecom_state';
const WORKSPACE = '/console/workspace.html';

const me = z.object({
  userId: z.string(),
  name: z.string(),
  role: z.enum(['agent', 'supervisor', 'admin']),
  kbEditor: z.boolean(),
  agentId: z.string().optional(),
  via: z.enum(['session', 'apiToken', 'adminToken']),
});

export function authRoutes({ config, log, wecomUserIdForCode }: SignInDeps): Route[] {
  const cookie = sessionCookieName(config.publicUrl);
  const throttle = new LoginThrottle();
  const wecomSignIn =
    wecomUserIdForCode && config.wecom && config.WECOM_AGENT_ID
      ? {
          corpId: config.wecom.corpId,
          agentId: config.WECOM_AGENT_ID,
          oauthBase: config.WECOM_OAUTH_BASE,
          ssoBase: config.WECOM_SSO_BASE,
        }
      : undefined;

  return [
    defineRoute({
      method: 'get',
      path: '/api/auth/options',
      tag: 'sign-in',
      summary: 'How users can sign in here',
      access: 'public',
      handle: () => ({ password: true, wecom: Boolean(wecomSignIn) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/login',
      tag: 'sign-in',
      summary: 'Sign in with a user id and password (sets the session cookie)',
      access: 'public',
      body: z.strictObject({ userId: z.string().min(1).max(64), password: z.string().min(1).max(256) }),
      response: { description: 'The signed-in user', schema: me },
      async handle({ body, req, res }) {
        const address = req.ip ?? 'unknown';
        const wait = throttle.retryAfter(address, body.userId);
        if (wait > 0) {
          res.setHeader('Retry-After', String(wait));
          throw new HttpError(429, `too many failed sign-ins: try again in ${wait} s`);
        }
        const user = await activeUser(body.userId);
        // The same answer, and about the same time, whether the user or the password was wrong.
        const ok = await verifyPassword(body.password, user?.passwordHash);
        if (!user || !ok) {
          throttle.failed(address, body.userId);
          log.warn({ userId: body.userId, address }, 'sign-in refused');
          throw new HttpError(401, 'wrong user id or password');
        }
        throttle.succeeded(address, body.userId);
        const session = await startSession(user.userId, 'password', config.SESSION_HOURS);
        setCookie(res, config.publicUrl, cookie, session.token, { expires: session.expiresAt });
        log.info({ userId: user.userId, via: 'password' }, 'signed in');
        return principalOf(user, 'session');
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/logout',
      tag: 'sign-in',
      summary: 'Sign out (ends the session)',
      access: 'public',
      async handle({ req, res }) {
        const token = readCookie(req, cookie);
        if (token) await endSession(token);
        clearCookie(res, config.publicUrl, cookie);
        return { signedOut: true };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/auth/me',
      tag: 'sign-in',
      summary: 'Who is signed in',
      access: 'user',
      response: { description: 'The caller', schema: me },
      handle: ({ caller }) => caller,
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/password',
      tag: 'sign-in',
      summary: 'Change your own password (signs you out elsewhere)',
      access: 'user',
      body: z.strictObject({
        currentPassword: z.string().max(256).optional(),
        newPassword: z.string().min(MIN_PASSWORD_LENGTH).max(256),
      }),
      async handle({ body, caller, req, res }) {
        const user = caller.via === 'adminToken' ? undefined : await activeUser(caller.userId);
        if (!user) throw new HttpError(400, 'this credential has no password of its own');
        // A user who has one proves it; a WeCom-only user sets a first one.
        if (user.passwordHash && !(await verifyPassword(body.currentPassword ?? '', user.passwordHash)))
          throw new HttpError(403, 'current password is wrong');
        await UserModel.updateOne(
          { userId: user.userId },
          { $set: { passwordHash: await hashPassword(body.newPassword), updatedAt: new Date() } },
        );
        await endSessionsOf(user.userId);
        if (readCookie(req, cookie)) {
          const session = await startSession(user.userId, 'password', config.SESSION_HOURS);
          setCookie(res, config.publicUrl, cookie, session.token, { expires: session.expiresAt });
        }
        return { changed: true };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/auth/wecom',
      tag: 'sign-in',
      summary: 'Sign in with WeCom: redirects to WeCom (网页授权 in the WeCom client, 扫码登录 elsewhere)',
      access: 'public',
      response: { description: 'A redirect (302) to WeCom' },
      handle({ req, res }) {
        if (!wecomSignIn) throw new HttpError(404, 'signing in with WeCom is not configured (WECOM_AGENT_ID)');
        const state = newSecret(16);
        setCookie(res, config.publicUrl, STATE_COOKIE, state, { maxAgeSeconds: 600 });
        const redirectUri = `${config.publicUrl}/api/auth/wecom/callback`;
        res.redirect(302, wecomAuthorizeUrl(wecomSignIn, redirectUri, state, isWecomClient(req.headers['user-agent'])));
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/auth/wecom/callback',
      tag: 'sign-in',
      summary: 'Where WeCom sends the browser back with the sign-in code',
      access: 'public',
      query: z.object({ code: z.string().min(1).max(512), state: z.string().min(1).max(128) }),
      response: { description: 'A redirect (302) to the workspace, signed in' },
      async handle({ query, req, res }) {
        if (!wecomSignIn || !wecomUserIdForCode) throw new HttpError(404, 'signing in with WeCom is not configured');
        const expected = readCookie(req, STATE_COOKIE);
        clearCookie(res, config.publicUrl, STATE_COOKIE);
        // The state ties the answer to the browser that started the sign-in (no login CSRF).
        if (!expected || !sameSecret(expected, query.state))
          throw new HttpError(400, 'sign-in expired or started elsewhere: start again');
        let wecomUserId: string | undefined;
        try {
          wecomUserId = await wecomUserIdForCode(query.code);
        } catch (error) {
          if (error instanceof WecomApiError)
            throw new HttpError(401, `WeCom refused the sign-in code (errcode ${error.errcode})`);
          throw error;
        }
        if (!wecomUserId) throw new HttpError(403, 'not a member of this company');
        const user = await UserModel.findOne({ wecomUserId, disabled: { $ne: true } }).lean();
        if (!user) {
          log.warn({ wecomUserId }, 'WeCom sign-in of a member who is not a user');
          throw new HttpError(403, 'your WeCom account has no access here yet: ask an admin to add you');
        }
        const session = await startSession(user.userId, 'wecom', config.SESSION_HOURS);
        setCookie(res, config.publicUrl, cookie, session.token, { expires: session.expiresAt });
        log.info({ userId: user.userId, via: 'wecom' }, 'signed in');
        res.redirect(302, WORKSPACE);
        return undefined;
      },
    }),
  ];
}

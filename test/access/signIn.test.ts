// Signing in: passwords (scrypt hashes, throttled guessing), the session cookie's flags, sign-out,
// cross-site requests refused, credentials stored only as hashes, and signing in with WeCom
// (OAuth2 code → userid) against the sandbox, the way WeCom does it.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../api/app';
import { ApiTokenModel } from '../../db/models/apiToken';
import { SessionModel } from '../../db/models/session';
import { UserModel } from '../../db/models/user';
import { loadConfig } from '../../config/env';
import { createLogger } from '../../config/logger';
import { startStack, type Stack } from '../support/stack';
import { ensureUser } from '../support/users';

/** The cookies a response sets, as `name=value` pairs, and the attributes of each. */
function setCookies(res: Response): Map<string, { value: string; attributes: string[] }> {
  const cookies = new Map<string, { value: string; attributes: string[] }>();
  for (const header of res.headers.getSetCookie()) {
    const [pair, ...attributes] = header.split(';').map((part) => part.trim());
    const eq = pair!.indexOf('=');
    cookies.set(pair!.slice(0, eq), { value: pair!.slice(eq + 1), attributes });
  }
  return cookies;
}

describe('signing in', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ worker: false });
    await ensureUser({ userId: 'alice', role: 'agent', password: 'correct horse battery', wecomUserId: 'zhangsan' });
  });
  after(() => stack?.close());

  const login = (userId: string, password: string, headers: Record<string, string> = {}) =>
    fetch(`${stack.apiUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ userId, password }),
    });
  const me = (cookie: string) => fetch(`${stack.apiUrl}/api/auth/me`, { headers: { cookie } });

  it('a password sign-in sets an HttpOnly, SameSite session cookie; sign-out ends it', async () => {
    const res = await login('alice', 'correct horse battery');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      userId: 'alice',
      name: 'alice',
      role: 'agent',
      kbEditor: false,
      agentId: 'alice',
      via: 'session',
    });
    const session = setCookies(res).get('cs_session')!;
    assert.ok(session.value.length >= 40);
    assert.ok(session.attributes.includes('HttpOnly'));
    assert.ok(session.attributes.includes('SameSite=Lax'));
    assert.ok(session.attributes.includes('Path=/'));
    assert.ok(!session.attributes.includes('Secure'), 'plain http in tests: Secure would lose the cookie');

    const cookie = `cs_session=${session.value}`;
    assert.equal((await me(cookie)).status, 200);
    const out = await fetch(`${stack.apiUrl}/api/auth/logout`, { method: 'POST', headers: { cookie } });
    assert.equal(setCookies(out).get('cs_session')!.value, '');
    assert.equal((await me(cookie)).status, 401, 'the session is gone on the server, not only in the browser');
  });

  it('over https the cookie is Secure and __Host- prefixed', async () => {
    const app = createApp({
      config: loadConfig({ ...process.env, PUBLIC_URL: 'https://cs.example.com', NODE_ENV: 'production' }),
      temporal: stack.client,
      log: createLogger('test', 'silent'),
    });
    const server = app.listen(0);
    await new Promise((resolve) => server.once('listening', resolve));
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'alice', password: 'correct horse battery' }),
    });
    server.close();
    assert.equal(res.status, 200);
    const cookie = setCookies(res).get('__Host-cs_session')!;
    assert.ok(cookie.attributes.includes('Secure'));
    assert.match(res.headers.get('strict-transport-security') ?? '', /max-age=/);
  });

  it('a wrong password and an unknown user get the same answer; guessing is throttled', async () => {
    await ensureUser({ userId: 'bob', password: 'bobs real password' });
    const wrong = await login('bob', 'nope');
    const unknown = await login('nobody-at-all', 'nope');
    assert.deepEqual([wrong.status, unknown.status], [401, 401]);
    assert.deepEqual(await wrong.json(), await unknown.json());
    for (let i = 0; i < 9; i++) assert.equal((await login('bob', `guess ${i}`)).status, 401);
    const blocked = await login('bob', 'bobs real password');
    assert.equal(blocked.status, 429, 'even the right password waits once the account is being guessed');
    assert.ok(Number(blocked.headers.get('retry-after')) > 0);
  });

  it('a cookie-authenticated change from another site is refused', async () => {
    const res = await login('alice', 'correct horse battery');
    const cookie = `cs_session=${setCookies(res).get('cs_session')!.value}`;
    const from = (origin: string) =>
      fetch(`${stack.apiUrl}/api/tokens`, {
        method: 'POST',
        headers: { cookie, origin, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'csrf' }),
      });
    assert.equal((await from('https://evil.example')).status, 403);
    assert.equal((await from(stack.apiUrl)).status, 201);
  });

  it('passwords, sessions and API tokens are stored only as hashes', async () => {
    const user = await UserModel.findOne({ userId: 'alice' }).lean();
    assert.match(user!.passwordHash!, /^scrypt\$32768\$8\$1\$/);
    assert.ok(!user!.passwordHash!.includes('correct horse'));
    const res = await login('alice', 'correct horse battery');
    const token = setCookies(res).get('cs_session')!.value;
    assert.equal(await SessionModel.exists({ _id: token }), null);
    const issued = await stack
      .as('alice')
      .api<{ token: string; tokenId: string }>('POST', '/api/tokens', { name: 'crm' });
    const stored = await ApiTokenModel.findOne({ tokenId: issued.body.tokenId }).lean();
    assert.ok(stored);
    assert.ok(!JSON.stringify(stored).includes(issued.body.token.split('_').at(-1)!));
    const listed = await stack.as('alice').api<unknown[]>('GET', '/api/tokens');
    assert.ok(!JSON.stringify(listed.body).includes(issued.body.token), 'a listing never shows a token again');
  });

  it('disabling a user ends their sessions and their tokens at once', async () => {
    await ensureUser({ userId: 'carol', password: 'carols password' });
    const cookie = `cs_session=${setCookies(await login('carol', 'carols password')).get('cs_session')!.value}`;
    const carol = stack.as('carol');
    assert.equal((await carol.api('GET', '/api/auth/me')).status, 200);
    assert.equal((await stack.api('PATCH', '/api/users/carol', { disabled: true })).status, 200);
    assert.equal((await me(cookie)).status, 401);
    assert.equal((await carol.api('GET', '/api/auth/me')).status, 401);
    assert.equal((await login('carol', 'carols password')).status, 401);
  });

  describe('with WeCom (OAuth2 against the sandbox)', () => {
    /** Starts the sign-in; answers the sandbox's page and the state cookie. */
    async function start(userAgent = 'Mozilla/5.0 Chrome') {
      const res = await fetch(`${stack.apiUrl}/api/auth/wecom`, {
        redirect: 'manual',
        headers: { 'user-agent': userAgent },
      });
      assert.equal(res.status, 302);
      const state = setCookies(res).get('cs_wecom_state')!.value;
      return { location: res.headers.get('location')!, stateCookie: `cs_wecom_state=${state}` };
    }
    /** Picks a member on the sandbox's page; answers where WeCom sends the browser back. */
    async function pick(location: string, who: string): Promise<URL> {
      const page = await (await fetch(location)).text();
      const link = [...page.matchAll(/href="([^"]+)"/g)]
        .map((m) => m[1]!.replace(/&amp;/g, '&'))
        .find((href) => href.includes(`who=${who}`));
      assert.ok(link, `the sandbox offers ${who}`);
      const back = await fetch(new URL(link, location), { redirect: 'manual' });
      assert.equal(back.status, 302);
      return new URL(back.headers.get('location')!);
    }

    it('in a desktop browser: 扫码登录, code → userid, signed in as the user with that WeCom userid', async () => {
      const { location, stateCookie } = await start();
      const url = new URL(location);
      assert.equal(url.origin + url.pathname, `${stack.sandbox.url}/wwlogin/sso/login`);
      assert.equal(url.searchParams.get('login_type'), 'CorpApp');
      assert.equal(url.searchParams.get('agentid'), '1000002');
      assert.equal(url.searchParams.get('redirect_uri'), `${stack.config.publicUrl}/api/auth/wecom/callback`);

      const back = await pick(location, 'zhangsan');
      const callback = `${stack.apiUrl}${back.pathname}${back.search}`;
      const signedIn = await fetch(callback, { redirect: 'manual', headers: { cookie: stateCookie } });
      assert.equal(signedIn.status, 302, await signedIn.clone().text());
      assert.equal(signedIn.headers.get('location'), '/console/workspace.html');
      const session = setCookies(signedIn).get('cs_session')!.value;
      const who = (await (await me(`cs_session=${session}`)).json()) as { userId: string };
      assert.equal(who.userId, 'alice');
      assert.ok(await SessionModel.findOne({ userId: 'alice', via: 'wecom' }).lean(), 'recorded as a WeCom sign-in');

      const again = await fetch(callback, { redirect: 'manual', headers: { cookie: stateCookie } });
      assert.equal(again.status, 401, 'a code works once');
    });

    it('inside the WeCom client: 网页授权 (snsapi_base)', async () => {
      const { location } = await start('Mozilla/5.0 wxwork/4.1.0 MicroMessenger');
      const url = new URL(location);
      assert.equal(url.pathname, '/connect/oauth2/authorize');
      assert.equal(url.searchParams.get('scope'), 'snsapi_base');
      assert.equal(url.searchParams.get('response_type'), 'code');
      assert.equal(url.hash, '#wechat_redirect');
    });

    it('refuses a foreign state, an outsider, and a member who is not a user here', async () => {
      const first = await start();
      const back = await pick(first.location, 'lisi');
      const forged = await fetch(`${stack.apiUrl}${back.pathname}${back.search}`, {
        redirect: 'manual',
        headers: { cookie: 'cs_wecom_state=someone-elses-state' },
      });
      assert.equal(forged.status, 400);

      const second = await start();
      const outsider = await pick(second.location, 'outsider');
      const res = await fetch(`${stack.apiUrl}${outsider.pathname}${outsider.search}`, {
        redirect: 'manual',
        headers: { cookie: second.stateCookie },
      });
      assert.equal(res.status, 403);

      const third = await start();
      const member = await pick(third.location, 'lisi'); // a WeCom member with no user here
      const refused = await fetch(`${stack.apiUrl}${member.pathname}${member.search}`, {
        redirect: 'manual',
        headers: { cookie: third.stateCookie },
      });
      assert.equal(refused.status, 403);
      assert.match(((await refused.json()) as { error: string }).error, /ask an admin/);
    });
  });
});

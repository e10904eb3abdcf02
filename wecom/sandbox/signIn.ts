// The sandbox's WeCom sign-in (OAuth2), faithful to WeCom's flow: the browser goes to
// /connect/oauth2/authorize (网页授权 inside the WeCom client) or /wwlogin/sso/login (扫码登录), WeCom
// sends it back to redirect_uri with a code and the state, and the app's server exchanges the code
// at /cgi-bin/auth/getuserinfo for the member's userid (a WeChat user outside the corp gets an
// openid only). A code is valid 5 minutes and once (errcode 40029 otherwise). Where the real
// WeCom knows who holds the phone, the sandbox asks on a page which member is signing in.
import { randomBytes } from 'node:crypto';
import type { Express, Request } from 'express';
import { SandboxError } from './simulator';

const CODE_TTL_MS = 5 * 60_000;

interface IssuedCode {
  userid?: string;
  openid?: string;
  expiresAt: number;
}

export interface SignInOptions {
  corpId: string;
  /** The self-built app's AgentId the sign-in is for. */
  agentId: string;
  /** The corp's members who may sign in. */
  members: readonly string[];
  now: () => number;
}

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export class SandboxSignIn {
  private readonly codes = new Map<string, IssuedCode>();

  constructor(private readonly options: SignInOptions) {}

  /** The member behind a code (auth/getuserinfo); the code is spent. */
  userInfo(code: string): { userid?: string; openid?: string } {
    const issued = this.codes.get(code);
    this.codes.delete(code);
    if (!issued || issued.expiresAt <= this.options.now()) throw new SandboxError(40029, 'invalid code');
    return issued.userid ? { userid: issued.userid } : { openid: issued.openid };
  }

  issue(who: { userid?: string; openid?: string }): string {
    const code = randomBytes(16).toString('hex');
    this.codes.set(code, { ...who, expiresAt: this.options.now() + CODE_TTL_MS });
    return code;
  }

  /** What WeCom checks before it asks anyone anything; a message when the request is wrong. */
  problem(req: Request, kind: 'oauth' | 'sso'): string | undefined {
    const q = req.query as Record<string, string | undefined>;
    if (q.appid !== this.options.corpId) return 'appid 参数错误 (not this corp)';
    if (q.agentid !== this.options.agentId) return 'agentid 参数错误 (not this app)';
    if (!q.redirect_uri || !/^https?:\/\//.test(q.redirect_uri)) return 'redirect_uri 参数错误';
    if (kind === 'oauth' && q.response_type !== 'code') return 'response_type 必须为 code';
    if (kind === 'oauth' && !['snsapi_base', 'snsapi_privateinfo'].includes(q.scope ?? '')) return 'scope 参数错误';
    if (kind === 'sso' && q.login_type !== 'CorpApp') return 'login_type 参数错误';
    return undefined;
  }

  mount(app: Express): void {
    for (const [path, kind, title] of [
      ['/connect/oauth2/authorize', 'oauth', '企业微信网页授权'],
      ['/wwlogin/sso/login', 'sso', '企业微信扫码登录'],
    ] as const) {
      app.get(path, (req, res) => {
        const problem = this.problem(req, kind);
        if (problem) return void res.status(400).type('text/plain').send(problem);
        const back = (who: string) =>
          `/sandbox/sign-in/confirm?${new URLSearchParams({
            who,
            redirect_uri: String(req.query.redirect_uri),
            state: String(req.query.state ?? ''),
          })}`;
        const items = this.options.members
          .map((userid) => `<li><a class="member" href="${escape(back(userid))}">${escape(userid)}</a></li>`)
          .join('');
        res
          .type('html')
          .send(
            `<!doctype html><meta charset="utf-8"><title>${title} (sandbox)</title>` +
              `<h1>${title} <small>(WeCom sandbox)</small></h1><p>以哪位成员的身份登录？ Which member is signing in?</p>` +
              `<ul>${items}<li><a class="outsider" href="${escape(back('outsider'))}">不是企业成员 (a WeChat user outside the corp)</a></li></ul>`,
          );
      });
    }
    app.get('/sandbox/sign-in/confirm', (req, res) => {
      const who = String(req.query.who ?? '');
      const redirect = new URL(String(req.query.redirect_uri ?? ''));
      const code = this.options.members.includes(who)
        ? this.issue({ userid: who })
        : this.issue({ openid: `o${randomBytes(8).toString('hex')}` });
      redirect.searchParams.set('code', code);
      redirect.searchParams.set('state', String(req.query.state ?? ''));
      res.redirect(302, redirect.toString());
    });
  }
}

// The WeCom kf API client (WECOM.md): one access-token cache per corp+secret shared by every call,
// refreshed before expiry and once when WeCom says the token is invalid or expired; retries with
// backoff on -1 (busy), 45009/45033 (rate/concurrency limits), HTTP 5xx and network errors; every
// response validated with zod; every non-zero errcode thrown as a WecomApiError. Each call, with
// its retries, is a span (never its URL: the query carries the access token).
import { z } from 'zod';
import type { KfApi, MenuItem } from '../activities/kfApi';
import { clientSpan } from '../tracing/spans';
import type { RawKfMessage } from '../activities/kfMessage';
import { WecomApiError, WecomErrcode } from './errors';

export interface WecomClientOptions {
  baseUrl: string;
  corpId: string;
  secret: string;
  /** Attempts for retryable failures (busy, rate limit, 5xx, network). */
  maxAttempts?: number;
  retryDelayMs?: number;
  /** One HTTP request's timeout. */
  timeoutMs?: number;
  /**
   * All attempts of one call together (WECOM_CALL_BUDGET_MS by default): the calling activity's
   * timeout is set above it, so the client gives up and Temporal retries, never the other way round.
   */
  budgetMs?: number;
  /** Called after every API call, for metrics and logs. */
  onCall?: (call: { path: string; ms: number; errcode?: number; error?: string }) => void;
}

const base = z.object({ errcode: z.number().default(0), errmsg: z.string().default('') });
const tokenResponse = base.extend({ access_token: z.string(), expires_in: z.number() });
const syncResponse = base.extend({
  next_cursor: z.string().optional(),
  has_more: z.number().optional(),
  msg_list: z.array(z.looseObject({ msgid: z.string() })).default([]),
});
const sendResponse = base.extend({ msgid: z.string().optional() });
const serviceStateResponse = base.extend({ service_state: z.number(), servicer_userid: z.string().optional() });
const transResponse = base.extend({ msg_code: z.string().optional() });
const servicerListResponse = base.extend({
  servicer_list: z
    .array(
      z.looseObject({
        userid: z.string().optional(),
        department_id: z.number().optional(),
        status: z.number().optional(),
      }),
    )
    .default([]),
});
const customerResponse = base.extend({
  customer_list: z
    .array(
      z.looseObject({
        external_userid: z.string(),
        nickname: z.string().optional(),
        avatar: z.string().optional(),
        gender: z.number().optional(),
        unionid: z.string().optional(),
        enter_session_context: z
          .looseObject({ scene: z.string().optional(), scene_param: z.string().optional() })
          .optional(),
      }),
    )
    .default([]),
  invalid_external_userid: z.array(z.string()).default([]),
});
// externalcontact/get: only the tags of each member who has the customer as a contact are read.
const externalContactResponse = base.extend({
  follow_user: z
    .array(
      z.looseObject({
        userid: z.string().optional(),
        tags: z
          .array(
            z.looseObject({
              group_name: z.string().optional(),
              tag_name: z.string().optional(),
              type: z.number().optional(),
            }),
          )
          .default([]),
      }),
    )
    .default([]),
});
// auth/getuserinfo: a member has a userid; a WeChat user outside the corp only an openid.
const userInfoResponse = base.extend({
  userid: z.string().optional(),
  openid: z.string().optional(),
  external_userid: z.string().optional(),
});
const accountListResponse = base.extend({
  account_list: z
    .array(z.looseObject({ open_kfid: z.string(), name: z.string().optional(), avatar: z.string().optional() }))
    .default([]),
});

const TOKEN_REFRESH_CODES = new Set<number>([
  WecomErrcode.invalidToken,
  WecomErrcode.tokenExpired,
  WecomErrcode.missingToken,
]);
const RETRY_CODES = new Set<number>([WecomErrcode.busy, WecomErrcode.rateLimited, WecomErrcode.tooConcurrent]);
/** Refresh this long before WeCom's expiry: a token may be invalidated early anyway. */
const TOKEN_MARGIN_MS = 5 * 60_000;

interface CachedToken {
  value: string;
  expiresAt: number;
}
const tokenCache = new Map<string, Promise<CachedToken>>();

/** How long one client call may take with its own retries (activities allow more than this). */
export const WECOM_CALL_BUDGET_MS = 15_000;

class RetryableError extends Error {}

export class WecomClient implements KfApi {
  private readonly cacheKey: string;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;
  private readonly timeoutMs: number;
  private readonly budgetMs: number;

  constructor(private readonly options: WecomClientOptions) {
    this.cacheKey = `${options.baseUrl}|${options.corpId}|${options.secret}`;
    this.maxAttempts = options.maxAttempts ?? 4;
    this.retryDelayMs = options.retryDelayMs ?? 500;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.budgetMs = options.budgetMs ?? WECOM_CALL_BUDGET_MS;
  }

  /** The cached access token, fetched when missing, near expiry, or when `force`d. */
  async accessToken(force = false): Promise<string> {
    const cached = tokenCache.get(this.cacheKey);
    if (cached && !force) {
      const token = await cached.catch(() => undefined);
      if (token && token.expiresAt > Date.now()) return token.value;
    }
    const fresh = this.withRetries('gettoken', async () => {
      const query = new URLSearchParams({ corpid: this.options.corpId, corpsecret: this.options.secret });
      const res = await this.http('gettoken', `/cgi-bin/gettoken?${query}`, undefined);
      const parsed = this.parse('gettoken', tokenResponse, res);
      return { value: parsed.access_token, expiresAt: Date.now() + parsed.expires_in * 1000 - TOKEN_MARGIN_MS };
    });
    tokenCache.set(this.cacheKey, fresh);
    fresh.catch(() => tokenCache.delete(this.cacheKey));
    return (await fresh).value;
  }

  // ---------------------------------------------------------------- kf API

  async syncMsg(req: { open_kfid: string; cursor?: string; token?: string; limit?: number; voice_format?: number }) {
    const res = await this.post('kf/sync_msg', syncResponse, req);
    return { next_cursor: res.next_cursor, has_more: res.has_more, msg_list: res.msg_list as RawKfMessage[] };
  }

  /** send_msg with any payload; the caller chooses the msgid (idempotency). */
  async sendMsg(req: {
    touser: string;
    open_kfid: string;
    msgid: string;
    msgtype: string;
    [payload: string]: unknown;
  }) {
    return this.post('kf/send_msg', sendResponse, req);
  }

  async sendText(req: Parameters<KfApi['sendText']>[0]): Promise<void> {
    await this.sendMsg({
      touser: req.touser,
      open_kfid: req.open_kfid,
      msgid: req.msgid,
      msgtype: 'text',
      text: { content: req.content },
    });
  }

  async sendMenu(req: Parameters<KfApi['sendMenu']>[0]): Promise<void> {
    await this.sendMsg({
      touser: req.touser,
      open_kfid: req.open_kfid,
      msgid: req.msgid,
      msgtype: 'msgmenu',
      msgmenu: menuPayload(req.head_content, req.items, req.tail_content),
    });
  }

  async sendOnEvent(req: Parameters<KfApi['sendOnEvent']>[0]): Promise<void> {
    const payload = req.menu
      ? { msgtype: 'msgmenu', msgmenu: menuPayload(req.menu.head_content, req.menu.items) }
      : { msgtype: 'text', text: { content: req.content ?? '' } };
    await this.post('kf/send_msg_on_event', sendResponse, { code: req.code, msgid: req.msgid, ...payload });
  }

  async getServiceState(req: { open_kfid: string; external_userid: string }) {
    return this.post('kf/service_state/get', serviceStateResponse, req);
  }

  async transServiceState(req: {
    open_kfid: string;
    external_userid: string;
    service_state: number;
    servicer_userid?: string;
  }) {
    return this.post('kf/service_state/trans', transResponse, req);
  }

  async listServicers(openKfId: string) {
    const res = await this.call('kf/servicer/list', servicerListResponse, 'GET', undefined, { open_kfid: openKfId });
    return res.servicer_list;
  }

  async batchGetCustomers(externalUserIds: string[], needEnterSessionContext = false) {
    const res = await this.post('kf/customer/batchget', customerResponse, {
      external_userid_list: externalUserIds,
      need_enter_session_context: needEnterSessionContext ? 1 : 0,
    });
    return res.customer_list;
  }

  /**
   * The names of the tags on an external contact (externalcontact/get, every member's). WeCom uses
   * the same external_userid for a kf customer and an external contact of the corp (unverified:
   * WECOM.md does not say it); a customer who is no one's contact answers 84061.
   */
  async externalContactTags(externalUserId: string): Promise<string[]> {
    const res = await this.call('externalcontact/get', externalContactResponse, 'GET', undefined, {
      external_userid: externalUserId,
    });
    return res.follow_user.flatMap((member) => member.tags.flatMap((tag) => (tag.tag_name ? [tag.tag_name] : [])));
  }

  async listAccounts(offset = 0, limit = 100) {
    const res = await this.post('kf/account/list', accountListResponse, { offset, limit });
    return res.account_list;
  }

  // ---------------------------------------------------------------- sign-in (OAuth2 网页授权 / 扫码登录)

  /** The member's userid for a sign-in code (valid 5 minutes, once); undefined for a non-member. */
  async userIdForSignInCode(code: string): Promise<string | undefined> {
    const res = await this.call('auth/getuserinfo', userInfoResponse, 'GET', undefined, { code });
    return res.userid;
  }

  // ---------------------------------------------------------------- plumbing

  private post<S extends z.ZodType>(path: string, schema: S, body: unknown): Promise<z.infer<S>> {
    return this.call(path, schema, 'POST', body);
  }

  private async call<S extends z.ZodType>(
    path: string,
    schema: S,
    method: 'GET' | 'POST',
    body: unknown,
    query: Record<string, string> = {},
  ): Promise<z.infer<S>> {
    let refreshed = false;
    return this.withRetries(path, async () => {
      for (;;) {
        const token = await this.accessToken();
        const search = new URLSearchParams({ access_token: token, ...query });
        const res = await this.http(path, `/cgi-bin/${path}?${search}`, method === 'POST' ? body : undefined);
        try {
          return this.parse(path, schema, res);
        } catch (error) {
          // WeCom may invalidate a token early: fetch a new one once, then give up.
          if (error instanceof WecomApiError && TOKEN_REFRESH_CODES.has(error.errcode) && !refreshed) {
            refreshed = true;
            await this.accessToken(true);
            continue;
          }
          throw error;
        }
      }
    });
  }

  private async http(path: string, url: string, body: unknown): Promise<unknown> {
    const started = Date.now();
    try {
      const res = await fetch(`${this.options.baseUrl.replace(/\/$/, '')}${url}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: body === undefined ? undefined : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (res.status >= 500) throw new RetryableError(`HTTP ${res.status}`);
      if (!res.ok) throw new Error(`WeCom ${path}: HTTP ${res.status}`);
      const json = (await res.json()) as { errcode?: number };
      this.options.onCall?.({ path, ms: Date.now() - started, errcode: json.errcode ?? 0 });
      return json;
    } catch (error) {
      this.options.onCall?.({ path, ms: Date.now() - started, error: (error as Error).message });
      if (error instanceof RetryableError || error instanceof TypeError || (error as Error).name === 'TimeoutError') {
        throw new RetryableError(`WeCom ${path}: ${(error as Error).message}`);
      }
      throw error;
    }
  }

  private parse<S extends z.ZodType>(path: string, schema: S, json: unknown): z.infer<S> {
    const head = base.safeParse(json);
    if (head.success && head.data.errcode !== 0) throw new WecomApiError(head.data.errcode, head.data.errmsg, path);
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      throw new Error(`WeCom ${path}: unexpected response (${parsed.error.issues[0]?.message ?? 'invalid'})`);
    return parsed.data;
  }

  private withRetries<T>(path: string, attempt: () => Promise<T>): Promise<T> {
    return clientSpan(`WeCom ${path}`, { 'wecom.api': path }, async (span) => {
      const deadline = Date.now() + this.budgetMs;
      for (let tries = 1; ; tries++) {
        span.setAttribute('wecom.attempts', tries);
        try {
          const result = await attempt();
          span.setAttribute('wecom.errcode', 0);
          return result;
        } catch (error) {
          const retryable =
            error instanceof RetryableError || (error instanceof WecomApiError && RETRY_CODES.has(error.errcode));
          const delay = this.retryDelayMs * 2 ** (tries - 1);
          // Another attempt only if it could finish within the budget (a full request timeout after the pause).
          const outOfTime = Date.now() + delay + this.timeoutMs > deadline;
          if (!retryable || tries >= this.maxAttempts || outOfTime) {
            if (error instanceof WecomApiError) span.setAttribute('wecom.errcode', error.errcode);
            if (error instanceof RetryableError)
              throw new Error(`WeCom ${path} failed after ${tries} attempts: ${error.message}`);
            throw error;
          }
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
    });
  }
}

function menuPayload(head: string, items: MenuItem[], tail?: string) {
  return {
    head_content: head,
    list: items.map((item) => ({ type: 'click', click: { id: item.id, content: item.content } })),
    ...(tail ? { tail_content: tail } : {}),
  };
}

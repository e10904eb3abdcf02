// The WeCom kf model behind the sandbox, following WECOM.md: access tokens, the per-account
// message log read through sync_msg (cursor, token, has_more), session states and their allowed
// transitions, msg_codes, the 48-hour and 5-reply rules, msgid de-duplication. In memory: it is
// a simulator. Every rule answers with WeCom's errcode.
import { randomBytes } from 'node:crypto';
import { utf8Length, WECOM_TEXT_MAX_BYTES } from '../../domain/wecomText';

export class SandboxError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`${errcode} ${errmsg}`);
  }
}

export interface SyncItem {
  msgid: string;
  open_kfid: string;
  external_userid?: string;
  send_time: number;
  origin: 3 | 4 | 5;
  servicer_userid?: string;
  msgtype: string;
  [payload: string]: unknown;
}

export interface Delivered {
  msgid: string;
  msgtype: string;
  content: string;
  menu?: { id: string; content: string }[];
  via: 'send_msg' | 'send_msg_on_event';
  at: number;
}

interface Session {
  state: 0 | 1 | 2 | 3 | 4;
  servicer?: string;
  lastCustomerAt?: number;
  repliesSinceCustomer: number;
  /** state 2/3 entered at least once in this session (msg_code only the first time). */
  enteredPool: boolean;
  enteredServicer: boolean;
}

interface MsgCode {
  openKfId: string;
  externalUserId: string;
  kind: 'welcome' | 'pool' | 'servicer' | 'end';
  expiresAt: number;
  used: boolean;
}

const HOUR = 3600_000;
/** WeCom's generic "invalid parameter"; the sandbox's choice where WECOM.md names no code. */
const INVALID_PARAMETER = 40058;
const TOKEN_TTL_S = 7200;
const SYNC_TOKEN_TTL_MS = 10 * 60_000;
const THREE_DAYS_MS = 72 * HOUR;
/** service_state moves the API may make (WECOM.md); 1→4 and 2→4 are unverified but allowed. */
const ALLOWED = new Set(['0>1', '0>2', '0>3', '1>2', '1>3', '2>3', '3>3', '3>4', '1>4', '2>4']);

/** A WeChat user as WeCom knows them: their profile, where they last came in, the corp's tags on them. */
interface SandboxCustomer {
  nickname: string;
  unionid?: string;
  /** The last enter_session (batchget returns it within 48 h with need_enter_session_context). */
  entered?: { scene: string; scene_param: string; at: number };
  /** Tags the corp's members gave them as an external contact; absent: no one's contact (84061). */
  contactTags?: { group_name: string; tag_name: string; type: 1 | 2 }[];
}

export interface SimulatorOptions {
  corpId: string;
  secret: string;
  openKfId: string;
  accountName: string;
  servicers: readonly string[];
}

export class WecomSimulator {
  private offsetMs = 0;
  private seq = 0;
  private readonly tokens = new Map<string, number>();
  private readonly syncTokens = new Map<string, { openKfId: string; expiresAt: number }>();
  private readonly log = new Map<string, SyncItem[]>();
  private readonly sessions = new Map<string, Session>();
  private readonly sentMsgids = new Map<string, Set<string>>();
  readonly inboxes = new Map<string, Delivered[]>();
  private readonly codes = new Map<string, MsgCode>();
  readonly accounts = new Map<string, { name: string; servicers: Map<string, 0 | 1> }>();
  readonly customers = new Map<string, SandboxCustomer>();
  /** What each customer wrote (text or menu click), in order: the chat page shows both sides from here. */
  readonly said = new Map<string, { text: string; menuId?: string; at: number }[]>();

  constructor(private readonly options: SimulatorOptions) {
    this.reset();
  }

  reset(): void {
    this.offsetMs = 0;
    for (const map of [
      this.tokens,
      this.syncTokens,
      this.log,
      this.sessions,
      this.sentMsgids,
      this.inboxes,
      this.codes,
      this.accounts,
      this.customers,
      this.said,
    ]) {
      map.clear();
    }
    this.accounts.set(this.options.openKfId, {
      name: this.options.accountName,
      servicers: new Map(this.options.servicers.map((userid) => [userid, 0 as const])),
    });
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }

  travel(ms: number): void {
    this.offsetMs += ms;
  }

  private id(prefix: string): string {
    return `${prefix}${(++this.seq).toString(36)}${randomBytes(6).toString('hex')}`;
  }

  // ---------------------------------------------------------------- tokens

  issueToken(corpId: string, secret: string): { access_token: string; expires_in: number } {
    if (corpId !== this.options.corpId) throw new SandboxError(40013, 'invalid corpid');
    if (secret !== this.options.secret) throw new SandboxError(40001, 'invalid credential');
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, this.now() + TOKEN_TTL_S * 1000);
    return { access_token: token, expires_in: TOKEN_TTL_S };
  }

  checkToken(token: string | undefined): void {
    if (!token) throw new SandboxError(41001, 'access_token missing');
    const expiresAt = this.tokens.get(token);
    if (expiresAt === undefined) throw new SandboxError(40014, 'invalid access_token');
    if (expiresAt <= this.now()) throw new SandboxError(42001, 'access_token expired');
  }

  /** Every access token handed out (tests look for them where they must never appear). */
  issuedTokens(): string[] {
    return [...this.tokens.keys()];
  }

  /** Fault injection: WeCom may invalidate a token before its expiry. */
  expireAllTokens(): void {
    for (const token of this.tokens.keys()) this.tokens.set(token, 0);
  }

  // ---------------------------------------------------------------- accounts, sessions

  private account(openKfId: string) {
    if (!/^wk[0-9A-Za-z_-]+$/.test(openKfId ?? '')) throw new SandboxError(95000, 'invalid open_kfid');
    const account = this.accounts.get(openKfId);
    if (!account) throw new SandboxError(95004, 'open_kfid not found');
    return account;
  }

  session(openKfId: string, externalUserId: string): Session {
    const key = `${openKfId}|${externalUserId}`;
    let session = this.sessions.get(key);
    if (!session) {
      session = { state: 4, repliesSinceCustomer: 0, enteredPool: false, enteredServicer: false };
      this.sessions.set(key, session);
    }
    return session;
  }

  private code(openKfId: string, externalUserId: string, kind: MsgCode['kind'], ttlMs: number): string {
    const code = this.id('code');
    this.codes.set(code, { openKfId, externalUserId, kind, expiresAt: this.now() + ttlMs, used: false });
    return code;
  }

  private append(item: Omit<SyncItem, 'msgid' | 'send_time'>): SyncItem {
    const full = { msgid: this.id('msg'), send_time: Math.floor(this.now() / 1000), ...item } as SyncItem;
    const list = this.log.get(full.open_kfid) ?? [];
    list.push(full);
    this.log.set(full.open_kfid, list);
    return full;
  }

  private event(openKfId: string, externalUserId: string, event: Record<string, unknown>): SyncItem {
    // For events, open_kfid and external_userid sit inside `event` (WECOM.md).
    return this.append({
      open_kfid: openKfId,
      origin: 4,
      msgtype: 'event',
      event: { open_kfid: openKfId, external_userid: externalUserId, ...event },
    });
  }

  // ---------------------------------------------------------------- customers and servicers (control API)

  private customer(externalUserId: string): SandboxCustomer {
    let customer = this.customers.get(externalUserId);
    if (!customer) {
      customer = { nickname: `客户${externalUserId.slice(-4)}` };
      this.customers.set(externalUserId, customer);
    }
    return customer;
  }

  /** What WeCom knows of a customer besides the kf API: a unionid, their nickname, the corp's tags on them. */
  setCustomerProfile(
    externalUserId: string,
    profile: { nickname?: string; unionid?: string; contactTags?: { groupName?: string; tagName: string }[] },
  ): void {
    const customer = this.customer(externalUserId);
    if (profile.nickname) customer.nickname = profile.nickname;
    if (profile.unionid !== undefined) customer.unionid = profile.unionid;
    if (profile.contactTags)
      customer.contactTags = profile.contactTags.map((t) => ({
        group_name: t.groupName ?? '客户标签',
        tag_name: t.tagName,
        type: 1,
      }));
  }

  customerMessage(openKfId: string, externalUserId: string, text: string, menuId?: string): SyncItem {
    this.account(openKfId);
    this.customer(externalUserId);
    const session = this.session(openKfId, externalUserId);
    if (session.state === 4)
      Object.assign(session, { state: 0, servicer: undefined, enteredPool: false, enteredServicer: false });
    session.lastCustomerAt = this.now();
    session.repliesSinceCustomer = 0;
    const said = this.said.get(externalUserId) ?? [];
    said.push({ text, ...(menuId ? { menuId } : {}), at: this.now() });
    this.said.set(externalUserId, said);
    return this.append({
      open_kfid: openKfId,
      external_userid: externalUserId,
      origin: 3,
      msgtype: 'text',
      text: menuId ? { content: text, menu_id: menuId } : { content: text },
    });
  }

  /** The customer opens the chat from a kf link (add_contact_way's scene, with the scene_param appended to it). */
  enterSession(openKfId: string, externalUserId: string, sceneParam = '', scene = 'sandbox'): SyncItem {
    this.account(openKfId);
    this.customer(externalUserId).entered = { scene, scene_param: sceneParam, at: this.now() };
    const session = this.session(openKfId, externalUserId);
    const welcomeCode =
      session.state === 4 || session.state === 0 ? this.code(openKfId, externalUserId, 'welcome', 20_000) : undefined;
    return this.event(openKfId, externalUserId, {
      event_type: 'enter_session',
      scene,
      scene_param: sceneParam,
      ...(welcomeCode ? { welcome_code: welcomeCode } : {}),
    });
  }

  servicerMessage(openKfId: string, servicer: string, externalUserId: string, text: string): SyncItem {
    this.requireServicer(openKfId, servicer);
    const session = this.session(openKfId, externalUserId);
    // A servicer writing from the WeCom client takes the session (state 3).
    session.state = 3;
    session.servicer = servicer;
    this.deliver(externalUserId, {
      msgid: this.id('svc'),
      msgtype: 'text',
      content: text,
      via: 'send_msg',
      at: this.now(),
    });
    return this.append({
      open_kfid: openKfId,
      external_userid: externalUserId,
      origin: 5,
      servicer_userid: servicer,
      msgtype: 'text',
      text: { content: text },
    });
  }

  /** change_type 1 (taken from the pool), 2 (transferred), 3 (ended). */
  servicerSessionChange(
    openKfId: string,
    servicer: string,
    externalUserId: string,
    change: 1 | 2 | 3,
    to?: string,
  ): SyncItem {
    this.requireServicer(openKfId, servicer);
    const session = this.session(openKfId, externalUserId);
    const old = session.servicer;
    let msgCode: string | undefined;
    if (change === 1) {
      if (session.state !== 2) throw new SandboxError(95016, 'session is not in the pool');
      Object.assign(session, { state: 3, servicer });
      msgCode = this.code(openKfId, externalUserId, 'servicer', 48 * HOUR);
    } else if (change === 2) {
      if (!to) throw new SandboxError(INVALID_PARAMETER, 'transfer needs a target servicer');
      this.requireServicer(openKfId, to);
      Object.assign(session, { state: 3, servicer: to });
    } else {
      if (session.state !== 3) throw new SandboxError(95013, 'session is not with a servicer');
      Object.assign(session, { state: 4, servicer: undefined });
      msgCode = this.code(openKfId, externalUserId, 'end', 20_000);
    }
    return this.event(openKfId, externalUserId, {
      event_type: 'session_status_change',
      change_type: change,
      old_servicer_userid: change === 1 ? '' : (old ?? ''),
      new_servicer_userid: change === 3 ? '' : change === 2 ? to : servicer,
      ...(msgCode ? { msg_code: msgCode } : {}),
    });
  }

  /** Another kf account of the corp (a benchmark's second account), with the same servicers. */
  addAccount(openKfId: string, name: string): void {
    if (!/^wk[0-9A-Za-z_-]+$/.test(openKfId)) throw new SandboxError(95000, 'invalid open_kfid');
    if (this.accounts.has(openKfId)) return;
    this.accounts.set(openKfId, {
      name,
      servicers: new Map(this.options.servicers.map((userid) => [userid, 0 as const])),
    });
  }

  setServicerStatus(openKfId: string, servicer: string, status: 0 | 1): void {
    this.requireServicer(openKfId, servicer);
    this.accounts.get(openKfId)!.servicers.set(servicer, status);
    this.event(openKfId, '', {
      event_type: 'servicer_status_change',
      servicer_userid: servicer,
      status: status === 0 ? 1 : 2,
    });
  }

  /** At-least-once delivery: the same item (same msgid) appears in sync_msg again. */
  replay(openKfId: string, msgid: string): SyncItem {
    const item = (this.log.get(openKfId) ?? []).find((candidate) => candidate.msgid === msgid);
    if (!item) throw new SandboxError(INVALID_PARAMETER, `no message ${msgid}`);
    this.log.get(openKfId)!.push(item);
    return item;
  }

  sendFailed(openKfId: string, externalUserId: string, failMsgid: string, failType: number): SyncItem {
    return this.event(openKfId, externalUserId, {
      event_type: 'msg_send_fail',
      fail_msgid: failMsgid,
      fail_type: failType,
    });
  }

  private requireServicer(openKfId: string, userid: string): void {
    const status = this.account(openKfId).servicers.get(userid);
    if (status === undefined) throw new SandboxError(95014, `${userid} is not a servicer of this account`);
    if (status !== 0) throw new SandboxError(95019, `${userid} has stopped serving`);
  }

  // ---------------------------------------------------------------- kf API

  newSyncToken(openKfId: string): string {
    const token = this.id('synctok');
    this.syncTokens.set(token, { openKfId, expiresAt: this.now() + SYNC_TOKEN_TTL_MS });
    return token;
  }

  syncMsg(req: { open_kfid: string; cursor?: string; token?: string; limit?: number }) {
    this.account(req.open_kfid);
    if (req.token) {
      const token = this.syncTokens.get(req.token);
      if (!token || token.openKfId !== req.open_kfid || token.expiresAt <= this.now()) {
        throw new SandboxError(95007, 'invalid or expired sync token');
      }
    }
    const limit = Math.min(Math.max(req.limit ?? 1000, 1), 1000);
    const list = this.log.get(req.open_kfid) ?? [];
    let start: number;
    if (req.cursor) {
      start = Number.parseInt(Buffer.from(req.cursor, 'base64url').toString(), 10);
      if (!Number.isInteger(start) || start < 0 || start > list.length)
        throw new SandboxError(INVALID_PARAMETER, 'invalid cursor');
    } else {
      // Without a cursor reading starts at the oldest message of the last 3 days.
      const since = (this.now() - THREE_DAYS_MS) / 1000;
      start = list.findIndex((item) => item.send_time >= since);
      if (start < 0) start = list.length;
    }
    const page = list.slice(start, start + limit);
    const next = start + page.length;
    return {
      next_cursor: Buffer.from(String(next)).toString('base64url'),
      has_more: next < list.length ? 1 : 0,
      msg_list: page,
    };
  }

  sendMsg(req: { touser?: string; open_kfid?: string; msgid?: string; msgtype?: string; [payload: string]: unknown }) {
    const openKfId = req.open_kfid ?? '';
    this.account(openKfId);
    const touser = req.touser ?? '';
    if (!this.customers.has(touser))
      throw new SandboxError(INVALID_PARAMETER, 'touser is not a customer of this account');
    const msgid = this.msgid(openKfId, req.msgid);
    const session = this.session(openKfId, touser);
    if (session.state !== 0 && session.state !== 1)
      throw new SandboxError(95018, `session state ${session.state} does not allow sending`);
    if (session.lastCustomerAt === undefined || this.now() - session.lastCustomerAt > 48 * HOUR) {
      throw new SandboxError(95002, 'over 48 hours since the customer last wrote');
    }
    if (session.repliesSinceCustomer >= 5)
      throw new SandboxError(95001, 'over 5 messages since the customer last wrote');
    const delivered = this.payload(req);
    this.sentMsgids.get(openKfId)!.add(msgid);
    session.repliesSinceCustomer += 1;
    this.deliver(touser, { msgid, ...delivered, via: 'send_msg', at: this.now() });
    return { msgid };
  }

  sendMsgOnEvent(req: { code?: string; msgid?: string; msgtype?: string; [payload: string]: unknown }) {
    const code = this.codes.get(req.code ?? '');
    if (!code || code.used || code.expiresAt <= this.now())
      throw new SandboxError(INVALID_PARAMETER, 'invalid, used or expired code');
    const delivered = this.payload(req);
    if (code.kind !== 'welcome' && code.kind !== 'end' && delivered.msgtype !== 'text') {
      throw new SandboxError(INVALID_PARAMETER, 'this code takes a text message only');
    }
    const msgid = this.msgid(code.openKfId, req.msgid);
    code.used = true;
    this.sentMsgids.get(code.openKfId)!.add(msgid);
    this.deliver(code.externalUserId, { msgid, ...delivered, via: 'send_msg_on_event', at: this.now() });
    return { msgid };
  }

  private msgid(openKfId: string, given: string | undefined): string {
    if (!this.sentMsgids.has(openKfId)) this.sentMsgids.set(openKfId, new Set());
    if (given === undefined) return this.id('out');
    if (!/^[0-9a-zA-Z_-]{1,32}$/.test(given)) throw new SandboxError(INVALID_PARAMETER, 'invalid msgid');
    if (this.sentMsgids.get(openKfId)!.has(given)) throw new SandboxError(95999, 'duplicate msgid');
    return given;
  }

  private payload(req: { msgtype?: string; [payload: string]: unknown }): Omit<Delivered, 'msgid' | 'via' | 'at'> {
    if (req.msgtype === 'text') {
      const content = (req.text as { content?: string } | undefined)?.content ?? '';
      if (!content) throw new SandboxError(44004, 'empty content');
      if (utf8Length(content) > WECOM_TEXT_MAX_BYTES) throw new SandboxError(45002, 'content over 2048 bytes');
      return { msgtype: 'text', content };
    }
    if (req.msgtype === 'msgmenu') {
      const menu = req.msgmenu as
        | {
            head_content?: string;
            list?: { type: string; click?: { id: string; content: string } }[];
            tail_content?: string;
          }
        | undefined;
      const list = menu?.list ?? [];
      if (list.length > 10) throw new SandboxError(95008, 'too many menu items');
      const items = list.filter((item) => item.type === 'click' && item.click).map((item) => item.click!);
      return {
        msgtype: 'msgmenu',
        content: [menu?.head_content, ...items.map((item) => `[${item.content}]`), menu?.tail_content]
          .filter(Boolean)
          .join(' '),
        menu: items,
      };
    }
    if (['image', 'link', 'miniprogram', 'location', 'voice', 'video', 'file'].includes(req.msgtype ?? '')) {
      return { msgtype: req.msgtype!, content: JSON.stringify(req[req.msgtype!] ?? {}) };
    }
    throw new SandboxError(40008, `invalid msgtype ${req.msgtype}`);
  }

  private deliver(externalUserId: string, message: Delivered): void {
    const inbox = this.inboxes.get(externalUserId) ?? [];
    inbox.push(message);
    this.inboxes.set(externalUserId, inbox);
  }

  getServiceState(req: { open_kfid?: string; external_userid?: string }) {
    this.account(req.open_kfid ?? '');
    const session = this.session(req.open_kfid!, req.external_userid ?? '');
    return { service_state: session.state, ...(session.state === 3 ? { servicer_userid: session.servicer } : {}) };
  }

  transServiceState(req: {
    open_kfid?: string;
    external_userid?: string;
    service_state?: number;
    servicer_userid?: string;
  }) {
    const openKfId = req.open_kfid ?? '';
    this.account(openKfId);
    const externalUserId = req.external_userid ?? '';
    const session = this.session(openKfId, externalUserId);
    const to = req.service_state as Session['state'];
    if (session.state === 4) throw new SandboxError(95013, 'session already ended');
    if (!ALLOWED.has(`${session.state}>${to}`))
      throw new SandboxError(95016, `transition ${session.state}→${to} not allowed`);
    if (to === 3) {
      if (!req.servicer_userid) throw new SandboxError(95014, 'servicer_userid required for state 3');
      this.requireServicer(openKfId, req.servicer_userid);
    }
    let msgCode: string | undefined;
    if (to === 2 && !session.enteredPool) msgCode = this.code(openKfId, externalUserId, 'pool', 48 * HOUR);
    if (to === 3 && !session.enteredServicer) msgCode = this.code(openKfId, externalUserId, 'servicer', 48 * HOUR);
    if (to === 4) msgCode = this.code(openKfId, externalUserId, 'end', 20_000);
    session.state = to;
    session.servicer = to === 3 ? req.servicer_userid : undefined;
    if (to === 2) session.enteredPool = true;
    if (to === 3) session.enteredServicer = true;
    return msgCode ? { msg_code: msgCode } : {};
  }

  servicerList(openKfId: string) {
    const account = this.account(openKfId);
    return { servicer_list: [...account.servicers].map(([userid, status]) => ({ userid, status })) };
  }

  batchGetCustomers(req: { external_userid_list?: string[]; need_enter_session_context?: number }) {
    const ids = req.external_userid_list ?? [];
    if (ids.length < 1 || ids.length > 100)
      throw new SandboxError(INVALID_PARAMETER, 'external_userid_list must hold 1-100 ids');
    return {
      customer_list: ids
        .filter((id) => this.customers.has(id))
        .map((id) => {
          const customer = this.customers.get(id)!;
          const entered =
            customer.entered && this.now() - customer.entered.at <= 48 * HOUR ? customer.entered : undefined;
          return {
            external_userid: id,
            nickname: customer.nickname,
            avatar: '',
            gender: 0,
            // Only when the corp has bound a WeChat developer account; empty otherwise.
            unionid: customer.unionid ?? '',
            ...(req.need_enter_session_context === 1 && entered
              ? { enter_session_context: { scene: entered.scene, scene_param: entered.scene_param } }
              : {}),
          };
        }),
      invalid_external_userid: ids.filter((id) => !this.customers.has(id)),
    };
  }

  /** externalcontact/get: the customer as the corp's external contact, with each member's tags on them. */
  externalContact(externalUserId: string) {
    const customer = this.customers.get(externalUserId);
    if (!customer?.contactTags) throw new SandboxError(84061, 'not external contact');
    const servicer = [...this.accounts.values()][0]?.servicers.keys().next().value ?? 'member';
    return {
      external_contact: {
        external_userid: externalUserId,
        name: customer.nickname,
        type: 1,
        gender: 0,
        ...(customer.unionid ? { unionid: customer.unionid } : {}),
      },
      follow_user: [
        {
          userid: servicer,
          remark: '',
          createtime: Math.floor(this.now() / 1000),
          tags: customer.contactTags,
        },
      ],
    };
  }

  accountList(req: { offset?: number; limit?: number }) {
    const all = [...this.accounts].map(([open_kfid, account]) => ({
      open_kfid,
      name: account.name,
      avatar: '',
      manage_privilege: true,
    }));
    const offset = req.offset ?? 0;
    return { account_list: all.slice(offset, offset + Math.min(req.limit ?? 100, 100)) };
  }
}

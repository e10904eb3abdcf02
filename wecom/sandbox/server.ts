// The WeCom sandbox's HTTP face: the kf API endpoints with WeCom's semantics (WecomSimulator), the
// encrypted callbacks to the configured URL, a control API for tests and demos (/sandbox/...),
// fault injection, a log of every API call, and the customer chat page (/chat).
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import express, { type Express, type Request, type Response } from 'express';
import { encryptPayload, signatureFor } from '../crypto';
import { SandboxError, WecomSimulator, type SimulatorOptions } from './simulator';
import { SandboxSignIn } from './signIn';
import { FaultPlan } from './faults';
import { sandboxDevCredentials } from './devCredentials';

export interface SandboxOptions extends SimulatorOptions {
  token: string;
  encodingAesKey: string;
  /** The self-built app's AgentId for signing in with WeCom (default: the development one). */
  agentId?: string;
  /** Where encrypted kf_msg_or_event callbacks are POSTed. */
  callbackUrl: string;
}

export interface RecordedCall {
  path: string;
  body: unknown;
  errcode: number;
  at: number;
  /** The injected fault this call met, if any. */
  fault?: 'http500' | 'errcode' | 'delay';
}

export interface Sandbox {
  app: Express;
  simulator: WecomSimulator;
  calls: RecordedCall[];
  /** Sends a callback for the account now (as WeCom does after news); resolves with the api's status codes. */
  notify(openKfId: string): Promise<number[]>;
}

export function createSandbox(options: SandboxOptions): Sandbox {
  const simulator = new WecomSimulator(options);
  const signIn = new SandboxSignIn({
    corpId: options.corpId,
    agentId: options.agentId ?? sandboxDevCredentials.agentId,
    members: options.servicers,
    now: () => simulator.now(),
  });
  const calls: RecordedCall[] = [];
  const faults = new FaultPlan();
  let callbackCopies = 1;
  let callbackJitterMs = 0;
  let callbackUrl = options.callbackUrl;
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));

  async function notify(openKfId: string): Promise<number[]> {
    const syncToken = simulator.newSyncToken(openKfId);
    const createTime = Math.floor(simulator.now() / 1000);
    const plain =
      `<xml><ToUserName><![CDATA[${options.corpId}]]></ToUserName><CreateTime>${createTime}</CreateTime>` +
      `<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[kf_msg_or_event]]></Event>` +
      `<Token><![CDATA[${syncToken}]]></Token><OpenKfId><![CDATA[${openKfId}]]></OpenKfId></xml>`;
    const encrypted = encryptPayload(options, plain);
    const timestamp = String(createTime);
    const nonce = randomBytes(5).toString('hex');
    const query = new URLSearchParams({
      msg_signature: signatureFor(options.token, timestamp, nonce, encrypted),
      timestamp,
      nonce,
    });
    const body = `<xml><ToUserName><![CDATA[${options.corpId}]]></ToUserName><Encrypt><![CDATA[${encrypted}]]></Encrypt><AgentID><![CDATA[]]></AgentID></xml>`;
    const send = () =>
      fetch(`${callbackUrl}?${query}`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body,
        signal: AbortSignal.timeout(5000),
      })
        .then((res) => res.status)
        .catch(() => 0);
    // WeCom retries slow or failed callbacks, so the same news can arrive more than once.
    if (callbackJitterMs === 0) {
      const statuses: number[] = [];
      for (let copy = 0; copy < callbackCopies; copy++) statuses.push(await send());
      return statuses;
    }
    // Each copy held for its own random time: callbacks overtake each other and arrive out of order
    // (a later one with a newer token first), as they may over the internet.
    return Promise.all(
      Array.from({ length: callbackCopies }, async () => {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * callbackJitterMs));
        return send();
      }),
    );
  }

  // ---------------------------------------------------------------- kf API

  const api = (handler: (req: Request) => unknown) => async (req: Request, res: Response) => {
    const apiPath = req.path.replace(/^\/cgi-bin\//, '');
    const fault = faults.take(apiPath, simulator.now());
    // A delay applies the call at once and holds only the answer: WeCom accepted it, the caller
    // does not know yet (the case a crash in the middle of a send must survive).
    let delayMs = 0;
    const injected = fault ? { fault: fault.kind } : {};
    if (fault) {
      if (fault.kind === 'delay') delayMs = fault.delayMs ?? 1000;
      if (fault.kind === 'http500') {
        calls.push({ path: apiPath, body: req.body, errcode: -500, at: simulator.now(), fault: fault.kind });
        res.status(500).send('Internal Server Error');
        return;
      }
      if (fault.kind === 'errcode') {
        calls.push({
          path: apiPath,
          body: req.body,
          errcode: fault.errcode ?? -1,
          at: simulator.now(),
          fault: fault.kind,
        });
        if (fault.errcode === 42001) simulator.expireAllTokens();
        res.json({ errcode: fault.errcode ?? -1, errmsg: 'injected fault' });
        return;
      }
    }
    let answer: object;
    try {
      if (apiPath !== 'gettoken') simulator.checkToken(req.query.access_token as string | undefined);
      answer = { errcode: 0, errmsg: 'ok', ...(handler(req) as object) };
      calls.push({ path: apiPath, body: req.body, errcode: 0, at: simulator.now(), ...injected });
    } catch (error) {
      if (!(error instanceof SandboxError)) throw error;
      calls.push({ path: apiPath, body: req.body, errcode: error.errcode, at: simulator.now(), ...injected });
      answer = { errcode: error.errcode, errmsg: error.errmsg };
    }
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    res.json(answer);
  };

  const endpoints: ['get' | 'post', string, (req: Request) => unknown][] = [
    [
      'get',
      'gettoken',
      (req) => simulator.issueToken(String(req.query.corpid ?? ''), String(req.query.corpsecret ?? '')),
    ],
    ['post', 'kf/sync_msg', (req) => simulator.syncMsg(req.body)],
    ['post', 'kf/send_msg', (req) => simulator.sendMsg(req.body)],
    ['post', 'kf/send_msg_on_event', (req) => simulator.sendMsgOnEvent(req.body)],
    ['post', 'kf/service_state/get', (req) => simulator.getServiceState(req.body)],
    ['post', 'kf/service_state/trans', (req) => simulator.transServiceState(req.body)],
    ['get', 'kf/servicer/list', (req) => simulator.servicerList(String(req.query.open_kfid ?? ''))],
    ['post', 'kf/customer/batchget', (req) => simulator.batchGetCustomers(req.body)],
    ['post', 'kf/account/list', (req) => simulator.accountList(req.body)],
    ['get', 'externalcontact/get', (req) => simulator.externalContact(String(req.query.external_userid ?? ''))],
    ['get', 'auth/getuserinfo', (req) => signIn.userInfo(String(req.query.code ?? ''))],
  ];
  for (const [method, apiPath, handler] of endpoints) app[method](`/cgi-bin/${apiPath}`, api(handler));

  // ---------------------------------------------------------------- control API

  const control = (handler: (req: Request) => unknown | Promise<unknown>) => async (req: Request, res: Response) => {
    try {
      res.json((await handler(req)) ?? { ok: true });
    } catch (error) {
      if (error instanceof SandboxError) res.status(400).json({ errcode: error.errcode, error: error.errmsg });
      else res.status(500).json({ error: (error as Error).message });
    }
  };
  const kf = (req: Request) => String(req.body?.openKfId ?? req.query.openKfId ?? options.openKfId);
  const param = (req: Request, name: string) => String(req.params[name] ?? '');
  const field = (req: Request, name: string) => String(req.body?.[name] ?? '');
  /** Control routes that put news in the account's log answer with it, after WeCom's callback. */
  const news = (make: (req: Request) => { msgid: string }) =>
    control(async (req) => ({ msgid: make(req).msgid, callbacks: await notify(kf(req)) }));

  app.get('/healthz', (_req, res) => res.json({ status: 'ok' }));
  app.post(
    '/sandbox/customers/:externalUserId/messages',
    news((req) => simulator.customerMessage(kf(req), param(req, 'externalUserId'), field(req, 'text'))),
  );
  app.post(
    '/sandbox/customers/:externalUserId/menu-click',
    news((req) =>
      simulator.customerMessage(kf(req), param(req, 'externalUserId'), field(req, 'content'), field(req, 'menuId')),
    ),
  );
  app.post(
    '/sandbox/customers/:externalUserId/enter',
    news((req) =>
      simulator.enterSession(
        kf(req),
        param(req, 'externalUserId'),
        field(req, 'sceneParam'),
        req.body?.scene ? field(req, 'scene') : undefined,
      ),
    ),
  );
  app.post(
    '/sandbox/customers/:externalUserId/profile',
    control((req) =>
      simulator.setCustomerProfile(param(req, 'externalUserId'), {
        nickname: req.body?.nickname,
        unionid: req.body?.unionid,
        contactTags: Array.isArray(req.body?.contactTags)
          ? (req.body.contactTags as unknown[]).map((t) =>
              typeof t === 'string' ? { tagName: t } : (t as { groupName?: string; tagName: string }),
            )
          : undefined,
      }),
    ),
  );
  app.get('/sandbox/customers/:externalUserId/inbox', (req, res) => {
    res.json({ messages: simulator.inboxes.get(req.params.externalUserId) ?? [] });
  });
  // Both sides of the customer's chat, oldest first: the chat page draws itself from this, so a
  // reload shows the whole conversation again.
  app.get('/sandbox/customers/:externalUserId/chat', (req, res) => {
    const id = req.params.externalUserId;
    const mine = (simulator.said.get(id) ?? []).map((m) => ({ from: 'customer' as const, ...m }));
    const theirs = (simulator.inboxes.get(id) ?? []).map((m) => ({ from: 'service' as const, ...m }));
    res.json({ messages: [...mine, ...theirs].sort((a, b) => a.at - b.at) });
  });
  app.get(
    '/sandbox/customers/:externalUserId/session',
    control((req) =>
      simulator.getServiceState({ open_kfid: kf(req), external_userid: String(req.params.externalUserId) }),
    ),
  );
  app.post(
    '/sandbox/servicers/:userid/messages',
    news((req) =>
      simulator.servicerMessage(kf(req), param(req, 'userid'), field(req, 'externalUserId'), field(req, 'text')),
    ),
  );
  for (const [route, change] of [
    ['take', 1],
    ['transfer', 2],
    ['end', 3],
  ] as const) {
    app.post(
      `/sandbox/servicers/:userid/${route}`,
      news((req) =>
        simulator.servicerSessionChange(
          kf(req),
          param(req, 'userid'),
          field(req, 'externalUserId'),
          change,
          req.body?.to,
        ),
      ),
    );
  }
  app.post(
    '/sandbox/servicers/:userid/status',
    control((req) => simulator.setServicerStatus(kf(req), String(req.params.userid), req.body?.status === 1 ? 1 : 0)),
  );
  app.post(
    '/sandbox/customers/:externalUserId/send-fail',
    news((req) =>
      simulator.sendFailed(
        kf(req),
        param(req, 'externalUserId'),
        field(req, 'msgid'),
        Number(req.body?.failType ?? 10),
      ),
    ),
  );
  app.post(
    '/sandbox/replay',
    news((req) => simulator.replay(kf(req), field(req, 'msgid'))),
  );
  app.post(
    '/sandbox/faults',
    control((req) => {
      if (req.body?.clear) faults.clear();
      else faults.add(req.body ?? {}, simulator.now());
    }),
  );
  app.post(
    '/sandbox/callbacks',
    control((req) => {
      callbackCopies = Math.max(1, Number(req.body?.copies ?? 1));
      callbackJitterMs = Math.max(0, Number(req.body?.jitterMs ?? 0));
      if (req.body?.url) callbackUrl = String(req.body.url);
    }),
  );
  app.post(
    '/sandbox/time-travel',
    control((req) => simulator.travel(Number(req.body?.ms ?? 0))),
  );
  app.post(
    '/sandbox/notify',
    control(async (req) => ({ callbacks: await notify(kf(req)) })),
  );
  app.get('/sandbox/calls', (req, res) => {
    const filter = req.query.path ? String(req.query.path) : undefined;
    // ?since=N: only the calls recorded after the first N, so a benchmark can follow the log.
    const since = Math.max(0, Number(req.query.since ?? 0) || 0);
    const recent = calls.slice(since);
    res.json({ calls: filter ? recent.filter((c) => c.path === filter) : recent, next: calls.length });
  });
  app.post(
    '/sandbox/reset',
    control(() => {
      simulator.reset();
      calls.length = 0;
      faults.clear();
      callbackCopies = 1;
      callbackJitterMs = 0;
    }),
  );
  app.post(
    '/sandbox/accounts',
    control((req) => simulator.addAccount(field(req, 'openKfId'), field(req, 'name') || field(req, 'openKfId'))),
  );
  app.get('/sandbox/info', (_req, res) =>
    res.json({ openKfId: options.openKfId, accountName: options.accountName, servicers: options.servicers }),
  );
  signIn.mount(app);
  app.use('/chat', express.static(path.join(__dirname, 'chat')));

  return { app, simulator, calls, notify };
}

// The kf API client against the sandbox over real HTTP: every endpoint, the token cache and its
// refresh, retries on busy/rate limits/5xx, typed errors, and the sandbox's WeCom rules.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { WecomClient } from '../../wecom/client';
import { WecomApiError } from '../../wecom/errors';
import { truncateUtf8 } from '../../wecom/text';
import { OPEN_KFID, sandboxCredentials, startSandbox, type RunningSandbox } from '../support/sandbox';

describe('WeCom kf client ↔ sandbox', () => {
  let sandbox: RunningSandbox;
  let client: WecomClient;
  let n = 0;
  const customer = () => `wmClient${++n}`;
  const errcode = (code: number) => (error: unknown) => error instanceof WecomApiError && error.errcode === code;

  before(async () => {
    sandbox = await startSandbox();
  });
  beforeEach(async () => {
    await sandbox.control('/sandbox/reset');
    // A fresh client each test, with its own cache key, so token behaviour is observable.
    client = new WecomClient({
      baseUrl: sandbox.url,
      corpId: sandboxCredentials.corpId,
      secret: sandboxCredentials.secret,
      retryDelayMs: 10,
    });
    await client.accessToken(true);
  });
  after(() => sandbox.close());

  const calls = (path: string) => sandbox.calls.filter((c) => c.path === path);

  it('caches the access token across calls', async () => {
    await client.listAccounts();
    await client.listServicers(OPEN_KFID);
    assert.equal(calls('gettoken').length, 1);
  });

  it('refuses bad credentials with a typed error', async () => {
    const bad = new WecomClient({ baseUrl: sandbox.url, corpId: sandboxCredentials.corpId, secret: 'wrong' });
    await assert.rejects(bad.listAccounts(), errcode(40001));
  });

  it('refreshes an expired token exactly once and the call succeeds', async () => {
    await client.listAccounts();
    await sandbox.control('/sandbox/faults', { path: 'kf/account/list', kind: 'errcode', errcode: 42001 });
    const accounts = await client.listAccounts();
    assert.equal(accounts[0]?.open_kfid, OPEN_KFID);
    assert.equal(calls('gettoken').length, 2, 'one refresh');
  });

  it('retries -1 (busy), 45009 (rate limit) and HTTP 500, then succeeds', async () => {
    for (const fault of [{ kind: 'errcode', errcode: -1 }, { kind: 'errcode', errcode: 45009 }, { kind: 'http500' }]) {
      await sandbox.control('/sandbox/faults', { path: 'kf/servicer/list', ...fault });
    }
    const servicers = await client.listServicers(OPEN_KFID);
    assert.ok(servicers.length >= 3);
    assert.equal(calls('kf/servicer/list').length, 4);
  });

  it('gives up after the attempts are used', async () => {
    await sandbox.control('/sandbox/faults', { path: 'kf/account/list', kind: 'errcode', errcode: -1, times: 10 });
    await assert.rejects(client.listAccounts(), errcode(-1));
  });

  it('gives up within its time budget, so the calling activity times out after the client, never before', async () => {
    await sandbox.control('/sandbox/faults', { path: 'kf/account/list', kind: 'delay', delayMs: 1500, times: 10 });
    const slow = new WecomClient({
      baseUrl: sandbox.url,
      corpId: sandboxCredentials.corpId,
      secret: sandboxCredentials.secret,
      retryDelayMs: 10,
      timeoutMs: 1000,
      budgetMs: 2500,
    });
    await slow.accessToken(true);
    const started = Date.now();
    await assert.rejects(slow.listAccounts());
    const took = Date.now() - started;
    assert.ok(took < 2800, `gave up after ${took} ms (budget 2500)`);
    assert.ok(calls('kf/account/list').length <= 2, 'no attempt that could not finish within the budget');
  });

  it('syncs messages with cursor, token and has_more paging', async () => {
    const user = customer();
    for (let i = 0; i < 3; i++) await sandbox.control(`/sandbox/customers/${user}/messages`, { text: `消息${i}` });
    const token = sandbox.simulator.newSyncToken(OPEN_KFID);
    const first = await client.syncMsg({ open_kfid: OPEN_KFID, token, limit: 2 });
    assert.equal(first.msg_list.length, 2);
    assert.equal(first.has_more, 1);
    const second = await client.syncMsg({ open_kfid: OPEN_KFID, token, cursor: first.next_cursor, limit: 2 });
    assert.equal(second.msg_list.length, 1);
    assert.equal(second.has_more, 0);
    assert.deepEqual(
      [...first.msg_list, ...second.msg_list].map((m) => (m.text as { content: string }).content),
      ['消息0', '消息1', '消息2'],
    );
    const again = await client.syncMsg({ open_kfid: OPEN_KFID, cursor: second.next_cursor });
    assert.equal(again.msg_list.length, 0, 'nothing new after the last cursor');
    await assert.rejects(client.syncMsg({ open_kfid: OPEN_KFID, token: 'forged' }), errcode(95007));
  });

  it('sends text and menus; a repeated msgid is refused as duplicate (95999)', async () => {
    const user = customer();
    await sandbox.control(`/sandbox/customers/${user}/messages`, { text: '你好' });
    await client.sendText({ touser: user, open_kfid: OPEN_KFID, msgid: 'reply_1', content: '您好！' });
    await client.sendMenu({
      touser: user,
      open_kfid: OPEN_KFID,
      msgid: 'menu_1',
      head_content: '是否解决？',
      items: [{ id: 'y', content: '已解决' }],
    });
    await assert.rejects(
      client.sendText({ touser: user, open_kfid: OPEN_KFID, msgid: 'reply_1', content: '您好！' }),
      errcode(95999),
    );
    const inbox = await sandbox.inbox(user);
    assert.deepEqual(
      inbox.map((m) => m.msgid),
      ['reply_1', 'menu_1'],
    );
    assert.deepEqual(inbox[1]?.menu, [{ id: 'y', content: '已解决' }]);
  });

  it('enforces text size, menu size, 5 replies per message and the 48-hour window', async () => {
    const user = customer();
    await sandbox.control(`/sandbox/customers/${user}/messages`, { text: '在吗' });
    await assert.rejects(
      client.sendText({ touser: user, open_kfid: OPEN_KFID, msgid: 'big', content: '长'.repeat(683) }),
      errcode(45002),
    );
    assert.equal(Buffer.byteLength(truncateUtf8('长'.repeat(683))) <= 2048, true);
    const items = Array.from({ length: 11 }, (_, i) => ({ id: `i${i}`, content: `选项${i}` }));
    await assert.rejects(
      client.sendMenu({ touser: user, open_kfid: OPEN_KFID, msgid: 'menu11', head_content: 'h', items }),
      errcode(95008),
    );
    for (let i = 0; i < 5; i++)
      await client.sendText({ touser: user, open_kfid: OPEN_KFID, msgid: `r${i}`, content: `回复${i}` });
    await assert.rejects(
      client.sendText({ touser: user, open_kfid: OPEN_KFID, msgid: 'r5', content: '第六条' }),
      errcode(95001),
    );
    await sandbox.control(`/sandbox/customers/${user}/messages`, { text: '还有问题' });
    await sandbox.control('/sandbox/time-travel', { ms: 48 * 3600_000 + 1000 });
    await client.accessToken(true);
    await assert.rejects(
      client.sendText({ touser: user, open_kfid: OPEN_KFID, msgid: 'late', content: '迟到的回复' }),
      errcode(95002),
    );
  });

  it('follows the service-state machine with WeCom errcodes and msg_codes', async () => {
    const user = customer();
    await sandbox.control(`/sandbox/customers/${user}/messages`, { text: '人工' });
    assert.equal((await client.getServiceState({ open_kfid: OPEN_KFID, external_userid: user })).service_state, 0);
    await client.transServiceState({ open_kfid: OPEN_KFID, external_userid: user, service_state: 1 });
    await assert.rejects(
      client.transServiceState({
        open_kfid: OPEN_KFID,
        external_userid: user,
        service_state: 3,
        servicer_userid: 'nobody',
      }),
      errcode(95014),
    );
    const toHuman = await client.transServiceState({
      open_kfid: OPEN_KFID,
      external_userid: user,
      service_state: 3,
      servicer_userid: 'zhangsan',
    });
    assert.ok(toHuman.msg_code, 'msg_code when first entering 3');
    const state = await client.getServiceState({ open_kfid: OPEN_KFID, external_userid: user });
    assert.deepEqual([state.service_state, state.servicer_userid], [3, 'zhangsan']);
    await assert.rejects(
      client.sendText({ touser: user, open_kfid: OPEN_KFID, msgid: 'x1', content: 'bot' }),
      errcode(95018),
    );
    await assert.rejects(
      client.transServiceState({ open_kfid: OPEN_KFID, external_userid: user, service_state: 1 }),
      errcode(95016),
    );
    await client.sendOnEvent({ code: toHuman.msg_code!, msgid: 'notice1', content: '客服张三为您服务' });
    await assert.rejects(
      client.sendOnEvent({ code: toHuman.msg_code!, msgid: 'notice2', content: 'again' }),
      errcode(40058),
    );
    const end = await client.transServiceState({ open_kfid: OPEN_KFID, external_userid: user, service_state: 4 });
    await client.sendOnEvent({
      code: end.msg_code!,
      msgid: 'csat1',
      menu: { head_content: '请评价', items: [{ id: 'csat_satisfied', content: '满意' }] },
    });
    await assert.rejects(
      client.transServiceState({ open_kfid: OPEN_KFID, external_userid: user, service_state: 1 }),
      errcode(95013),
    );
    const inbox = await sandbox.inbox(user);
    assert.deepEqual(
      inbox.map((m) => [m.msgid, m.via]),
      [
        ['notice1', 'send_msg_on_event'],
        ['csat1', 'send_msg_on_event'],
      ],
    );
  });

  it('reads servicers, customers and accounts; a stopped servicer cannot take sessions (95019)', async () => {
    const user = customer();
    await sandbox.control(`/sandbox/customers/${user}/messages`, { text: 'hi' });
    const [profile] = await client.batchGetCustomers([user]);
    assert.equal(profile?.external_userid, user);
    assert.ok(profile?.nickname);
    assert.equal((await client.listAccounts())[0]?.open_kfid, OPEN_KFID);
    await sandbox.control('/sandbox/servicers/lisi/status', { status: 1 });
    const lisi = (await client.listServicers(OPEN_KFID)).find((s) => s.userid === 'lisi');
    assert.equal(lisi?.status, 1);
    await assert.rejects(
      client.transServiceState({
        open_kfid: OPEN_KFID,
        external_userid: user,
        service_state: 3,
        servicer_userid: 'lisi',
      }),
      errcode(95019),
    );
    await assert.rejects(client.syncMsg({ open_kfid: 'wkUnknown' }), errcode(95004));
  });

  it('delivers enter_session with a welcome_code usable once within 20 s', async () => {
    const user = customer();
    await sandbox.control(`/sandbox/customers/${user}/enter`, { sceneParam: 'order-123' });
    const page = await client.syncMsg({ open_kfid: OPEN_KFID });
    const event = page.msg_list.find(
      (m) => (m.event as { event_type?: string } | undefined)?.event_type === 'enter_session',
    );
    const welcome = (event?.event as { welcome_code: string; scene_param: string }).welcome_code;
    assert.equal((event?.event as { scene_param: string }).scene_param, 'order-123');
    await client.sendOnEvent({ code: welcome, msgid: 'welcome1', content: '您好，欢迎光临' });
    assert.equal((await sandbox.inbox(user))[0]?.content, '您好，欢迎光临');
  });

  it('reads where a customer came in (batchget with need_enter_session_context) and their unionid', async () => {
    const user = customer();
    await sandbox.control(`/sandbox/customers/${user}/profile`, { unionid: 'ozUnion1' });
    await sandbox.control(`/sandbox/customers/${user}/enter`, { scene: 'order_page', sceneParam: 'order-123' });
    const [plain] = await client.batchGetCustomers([user]);
    assert.equal(plain?.unionid, 'ozUnion1');
    assert.equal(plain?.enter_session_context, undefined, 'only when asked for');
    const [withContext] = await client.batchGetCustomers([user], true);
    assert.deepEqual(withContext?.enter_session_context, { scene: 'order_page', scene_param: 'order-123' });
    assert.deepEqual(calls('kf/customer/batchget').at(-1)?.body, {
      external_userid_list: [user],
      need_enter_session_context: 1,
    });
    // WeCom keeps the context for 48 hours.
    await sandbox.control('/sandbox/time-travel', { ms: 49 * 3600_000 });
    assert.equal((await client.batchGetCustomers([user], true))[0]?.enter_session_context, undefined);
  });

  it('reads the corp’s tags on an external contact; a customer who is no one’s contact is 84061', async () => {
    const user = customer();
    await sandbox.control(`/sandbox/customers/${user}/messages`, { text: 'hi' });
    await assert.rejects(client.externalContactTags(user), errcode(84061));
    await sandbox.control(`/sandbox/customers/${user}/profile`, {
      contactTags: ['高价值', { groupName: '购买渠道', tagName: '天猫' }],
    });
    assert.deepEqual(await client.externalContactTags(user), ['高价值', '天猫']);
    // A corp that does not let the app read external contacts.
    await sandbox.control('/sandbox/faults', { path: 'externalcontact/get', kind: 'errcode', errcode: 48002 });
    await assert.rejects(client.externalContactTags(user), errcode(48002));
  });
});

// Every route checks who is calling. Without credentials every non-public route answers 401; a
// route for a role refuses the others with 403; an agent gets 403 on another agent's conversation
// or on a ticket outside their team and on KB edits; the acting agent is always the caller. Supervisors see and act on
// everything, with the actor and the reason handed to the workflow.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AgentModel } from '../../db/models/agent';
import { EventModel } from '../../db/models/event';
import { startStack, type Stack } from '../support/stack';
import { acceptedUpdates } from '../support/updates';

interface Operation {
  'x-access': 'public' | 'user' | 'kbEditor' | 'supervisor' | 'admin';
}
type Paths = Record<string, Record<string, Operation>>;

const SAMPLE: Record<string, string> = {
  conversationId: 'conv:wkNone:wmNone:1',
  ticketNo: 'T20260101-0001',
  entryId: 'no-such-entry',
  agentId: 'zhangsan',
  userId: 'zhangsan',
  tokenId: '0123456789ab',
  replyId: 'qr_none',
  consultId: 'consult_00000000000000000000000000000000',
};
const PUBLIC = [
  'get /',
  'get /healthz',
  'get /api/openapi.json',
  'get /api/auth/options',
  'post /api/auth/login',
  'post /api/auth/logout',
  'get /api/auth/wecom',
  'get /api/auth/wecom/callback',
  'get /wecom/callback',
  'post /wecom/callback',
];

const conversationPath = (id: string, rest = '') => `/api/conversations/${encodeURIComponent(id)}${rest}`;
const other = (agentId: string) => (agentId === 'lisi' ? 'zhangsan' : 'lisi');

describe('access control on every route', () => {
  let stack: Stack;
  let operations: { method: string; path: string; access: Operation['x-access'] }[];

  /** Conversations go to the agents; the supervisor's own agent record stays out of routing. */
  const routeToAgents = () =>
    Promise.all([
      AgentModel.updateMany({ agentId: { $ne: 'supervisor01' } }, { $set: { status: 'online' } }),
      AgentModel.updateOne({ agentId: 'supervisor01' }, { $set: { status: 'offline' } }),
    ]);

  before(async () => {
    stack = await startStack();
    await routeToAgents();
    const doc = await stack.api<{ paths: Paths }>('GET', '/api/openapi.json');
    operations = Object.entries(doc.body.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ method, path, access: op['x-access'] })),
    );
  });
  after(() => stack?.close());

  const call = (method: string, path: string, headers: Record<string, string> = {}) =>
    fetch(`${stack.apiUrl}${path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(SAMPLE[name]!))}`, {
      method: method.toUpperCase(),
      headers: { 'content-type': 'application/json', ...headers },
      body: ['get', 'delete'].includes(method) ? undefined : '{}',
      redirect: 'manual',
    });

  it('only the sign-in, health, callback and the document itself are public', () => {
    const open = operations.filter((op) => op.access === 'public').map((op) => `${op.method} ${op.path}`);
    assert.deepEqual(open.sort(), [...PUBLIC].sort());
  });

  it('every other route answers 401 without credentials, and with a bad or revoked token', async () => {
    const revoked = await stack.api<{ token: string; tokenId: string }>('POST', '/api/tokens', {
      name: 'to revoke',
      userId: 'zhangsan-revoked',
    });
    assert.equal(revoked.status, 404, 'a token needs an existing user');
    await stack.as('revoked-user').api('GET', '/api/auth/me'); // creates the user
    const issued = await stack.api<{ token: string; tokenId: string }>('POST', '/api/tokens', {
      name: 'to revoke',
      userId: 'revoked-user',
    });
    assert.equal(issued.status, 201);
    assert.equal((await stack.api('DELETE', `/api/tokens/${issued.body.tokenId}`)).status, 200);

    const credentials: [string, Record<string, string>][] = [
      ['no credentials', {}],
      ['an unknown bearer token', { authorization: 'Bearer cst_000000000000_nothing' }],
      ['a revoked token', { authorization: `Bearer ${issued.body.token}` }],
      ['an unknown session', { cookie: 'cs_session=not-a-session' }],
    ];
    const protectedOps = operations.filter((op) => op.access !== 'public');
    assert.ok(protectedOps.length > 25);
    for (const op of protectedOps) {
      for (const [what, headers] of credentials) {
        const res = await call(op.method, op.path, headers);
        assert.equal(res.status, 401, `${op.method} ${op.path} with ${what}`);
      }
    }
  });

  it('routes for a role answer 403 to the roles below it', async () => {
    const agent = await tokenOf('plain-agent', 'agent');
    const supervisor = await tokenOf('plain-supervisor', 'supervisor');
    let checked = 0;
    for (const op of operations) {
      const refused =
        op.access === 'admin'
          ? [agent, supervisor]
          : op.access === 'supervisor' || op.access === 'kbEditor'
            ? [agent]
            : [];
      if (op.access === 'kbEditor') refused.push(supervisor); // the permission, not the rank
      for (const token of refused) {
        const res = await call(op.method, op.path, { authorization: `Bearer ${token}` });
        assert.equal(res.status, 403, `${op.method} ${op.path}`);
        checked += 1;
      }
    }
    assert.ok(checked >= 12, `checked ${checked}`);
  });

  async function tokenOf(userId: string, role: 'agent' | 'supervisor' | 'admin', kbEditor = false): Promise<string> {
    await stack.as({ userId, role, kbEditor }).api('GET', '/api/auth/me');
    const issued = await stack.api<{ token: string }>('POST', '/api/tokens', { name: 'test', userId });
    return issued.body.token;
  }

  it('an agent gets 403 on every route of another agent’s conversation, and lists only their own and the queue', async () => {
    const { conversationId, snapshot } = await handedOff('wmAccess1', '转人工，门锁坏了');
    const holder = stack.as(snapshot.agentId!);
    const intruder = stack.as(other(snapshot.agentId!));

    assert.equal((await holder.api('GET', conversationPath(conversationId))).status, 200);
    assert.equal((await holder.api('GET', conversationPath(conversationId, '/messages'))).status, 200);
    const attempts: [string, string, unknown][] = [
      ['GET', '', undefined],
      ['GET', '/messages', undefined],
      ['POST', '/reply', { text: '我来接手' }],
      ['POST', '/take-over', {}],
      ['POST', '/transfer', { toAgentId: other(snapshot.agentId!) }],
      ['POST', '/ticket', { title: '抢单' }],
      ['POST', '/return-to-bot', {}],
      ['POST', '/resolve', {}],
    ];
    for (const [method, rest, body] of attempts) {
      const res = await intruder.api<{ error: string }>(method, conversationPath(conversationId, rest), body);
      assert.equal(res.status, 403, `${method} ${rest || 'snapshot'}`);
      assert.match(res.body.error, /not your conversation/);
    }
    assert.equal((await stack.snapshot(conversationId)).agentId, snapshot.agentId, 'nothing changed');

    const listed = await intruder.api<{ conversationId: string }[]>('GET', '/api/conversations');
    assert.ok(!listed.body.some((c) => c.conversationId === conversationId), 'not in another agent’s list');
    assert.equal(
      (await intruder.api('GET', `/api/conversations?agentId=${snapshot.agentId}`)).status,
      403,
      'cannot ask for another agent’s list',
    );
    const own = await holder.api<{ conversationId: string }[]>('GET', '/api/conversations?state=human');
    assert.deepEqual(
      own.body.map((c) => c.conversationId),
      [conversationId],
    );
    const everyone = await stack
      .as({ userId: 'supervisor01', role: 'supervisor' })
      .api<{ conversationId: string }[]>('GET', '/api/conversations');
    assert.ok(
      everyone.body.some((c) => c.conversationId === conversationId),
      'supervisors see everything',
    );
  });

  it('the acting agent is the caller: an agentId in the body is refused, and the workflow hears the caller', async () => {
    const { conversationId, snapshot } = await handedOff('wmAccess2', '人工客服');
    const me = snapshot.agentId!;
    const holder = stack.as(me);
    const named = await holder.api<{ error: string }>('POST', conversationPath(conversationId, '/reply'), {
      agentId: other(me),
      text: '冒名回复',
    });
    assert.equal(named.status, 400);
    assert.match(named.body.error, /agentId/);
    assert.equal(
      (await stack.as(other(me)).api('POST', conversationPath(conversationId, '/reply'), { agentId: me, text: 'x' }))
        .status,
      400,
      'naming the holder in the body does not help another agent: the body is refused',
    );
    const reply = await holder.api('POST', conversationPath(conversationId, '/reply'), { text: '您好，我在' });
    assert.equal(reply.status, 200);
    const updates = await acceptedUpdates(stack.client, conversationId);
    assert.deepEqual(updates.at(-1), {
      name: 'agentReply',
      input: { text: '您好，我在', agentId: me, actor: { userId: me, role: 'agent' } },
    });
  });

  it('an agent gets 403 on a ticket outside their team and lists only their own', async () => {
    const { conversationId, snapshot } = await handedOff('wmAccess3', '转人工，要开发票');
    const owner = stack.as(snapshot.agentId!);
    // An agent who shares no skill with the owner (teammates may handle each other's tickets).
    const intruder = stack.as('outsider');
    const created = await owner.api<{ ticketNo: string }>('POST', conversationPath(conversationId, '/ticket'), {
      title: '开发票',
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const { ticketNo } = created.body;

    assert.equal((await owner.api('GET', `/api/tickets/${ticketNo}`)).status, 200);
    assert.equal((await intruder.api('GET', `/api/tickets/${ticketNo}`)).status, 403);
    assert.equal(
      (await intruder.api('POST', `/api/tickets/${ticketNo}/status`, { status: 'closed', note: '关掉' })).status,
      403,
    );
    const theirs = await intruder.api<{ ticketNo: string }[]>('GET', '/api/tickets');
    assert.ok(!theirs.body.some((t) => t.ticketNo === ticketNo));
    assert.equal((await intruder.api('GET', `/api/tickets?assignee=${snapshot.agentId}`)).status, 403);
    const mine = await owner.api<{ ticketNo: string }[]>('GET', '/api/tickets');
    assert.deepEqual(
      mine.body.map((t) => t.ticketNo),
      [ticketNo],
    );
    // The ticket-stage conversation is still the owner's to resolve, and nobody else's.
    assert.equal((await intruder.api('POST', conversationPath(conversationId, '/resolve'), {})).status, 403);
    assert.equal(
      (await stack.as({ userId: 'supervisor01', role: 'supervisor' }).api('GET', `/api/tickets/${ticketNo}`)).status,
      200,
    );
  });

  it('an agent edits the knowledge base only with the KB editor permission', async () => {
    const entry = { skill: 'presales', question: '有没有发票？', answer: '下单时可选择开具电子发票。' };
    const plain = stack.as('kb-reader');
    assert.equal((await plain.api('GET', '/api/kb/entries?limit=5')).status, 200, 'everyone reads');
    assert.equal((await plain.api('PUT', '/api/kb/entries/invoice-faq', entry)).status, 403);
    assert.equal((await plain.api('DELETE', '/api/kb/entries/invoice-faq')).status, 403);
    const editor = stack.as({ userId: 'kb-editor', kbEditor: true });
    assert.equal((await editor.api('PUT', '/api/kb/entries/invoice-faq', entry)).status, 200);
    assert.equal((await editor.api('DELETE', '/api/kb/entries/invoice-faq')).status, 200);
  });

  it('an agent sets only their own status; a supervisor anyone’s, with the reason recorded', async () => {
    const zhangsan = stack.as('zhangsan');
    assert.equal((await zhangsan.api('POST', '/api/agents/lisi/status', { status: 'offline' })).status, 403);
    assert.equal((await zhangsan.api('POST', '/api/agents/zhangsan/status', { status: 'away' })).status, 200);
    const supervisor = stack.as({ userId: 'supervisor01', role: 'supervisor' });
    const set = await supervisor.api('POST', '/api/agents/zhangsan/status', { status: 'online', reason: '排队太长' });
    assert.equal(set.status, 200);
    const event = await EventModel.findOne({ type: 'agent_status_set', agentId: 'zhangsan' }).lean();
    assert.deepEqual(event?.data, { status: 'online', by: 'supervisor01', role: 'supervisor', reason: '排队太长' });
    const agents = await zhangsan.api<{ agentId: string; activeConversations?: string[] }[]>('GET', '/api/agents');
    assert.ok(agents.body.every((a) => (a.agentId === 'zhangsan') === (a.activeConversations !== undefined)));
  });

  it('agents see, read and take the queue', async () => {
    await AgentModel.updateMany({}, { $set: { status: 'offline' } });
    try {
      await stack.say('wmAccess4', '转人工');
      const conversationId = await stack.conversationOf('wmAccess4');
      await stack.until(
        'queued',
        () => stack.snapshot(conversationId),
        (s) => s.state === 'queued',
      );
      const agent = stack.as('wangwu');
      // The list reads the mirror, written when the conversation settles into the queue.
      const listed = await stack.until(
        'listed as queued',
        () => agent.api<{ conversationId: string; state: string }[]>('GET', '/api/conversations'),
        (res) => res.body.some((c) => c.conversationId === conversationId && c.state === 'queued'),
      );
      assert.ok(listed.body.every((c) => c.state === 'queued' || (c as { agentId?: string }).agentId === 'wangwu'));
      assert.equal((await agent.api('GET', conversationPath(conversationId))).status, 200);
      // Taking it while offline is refused with the reason (the workflow would otherwise wait on an
      // agent who cannot serve); online, the same request takes it.
      const refused = await agent.api<{ error: string; details: { reason: string } }>(
        'POST',
        conversationPath(conversationId, '/take-over'),
        {},
      );
      assert.equal(refused.status, 409, JSON.stringify(refused.body));
      assert.equal(refused.body.details.reason, 'agent_unavailable');
      await AgentModel.updateOne({ agentId: 'wangwu' }, { $set: { status: 'online' } });
      const took = await agent.api('POST', conversationPath(conversationId, '/take-over'), {});
      assert.equal(took.status, 200, JSON.stringify(took.body));
      const taken = await stack.until(
        'taken by wangwu',
        () => stack.snapshot(conversationId),
        (s) => s.state === 'human',
      );
      assert.equal(taken.agentId, 'wangwu');
    } finally {
      await routeToAgents();
    }
  });

  it('a supervisor takes over a conversation from the bot; the workflow hears the actor and the reason', async () => {
    await AgentModel.updateMany({ agentId: { $ne: 'supervisor01' } }, { $set: { status: 'offline' } });
    await AgentModel.updateOne({ agentId: 'supervisor01' }, { $set: { status: 'online' } });
    try {
      await stack.say('wmAccess5', '运费怎么算');
      const conversationId = await stack.conversationOf('wmAccess5');
      await stack.until(
        'the bot’s answer',
        () => stack.snapshot(conversationId),
        (s) => s.state === 'confirming',
      );
      const supervisor = stack.as({ userId: 'supervisor01', role: 'supervisor' });
      const taken = await supervisor.api<{ agentId: string; state: string }>(
        'POST',
        conversationPath(conversationId, '/take-over'),
        { reason: '老客户，我来跟进' },
      );
      assert.equal(taken.status, 200, JSON.stringify(taken.body));
      assert.deepEqual([taken.body.state, taken.body.agentId], ['human', 'supervisor01']);
      const updates = await acceptedUpdates(stack.client, conversationId);
      assert.deepEqual(updates.at(-1), {
        name: 'takeOver',
        input: {
          reason: '老客户，我来跟进',
          agentId: 'supervisor01',
          actor: { userId: 'supervisor01', role: 'supervisor' },
        },
      });
    } finally {
      await routeToAgents();
    }
  });

  it('a supervisor takes over from another agent and reassigns, with the reason in the events', async () => {
    const supervisor = stack.as({ userId: 'supervisor01', role: 'supervisor' });
    const first = await handedOff('wmAccess6', '转人工，我的订单');
    const second = await handedOff('wmAccess7', '转人工，退款');
    assert.notEqual(first.snapshot.agentId, 'supervisor01');
    // The supervisor can take a conversation now (their own agent record comes online).
    await AgentModel.updateOne({ agentId: 'supervisor01' }, { $set: { status: 'online' } });
    const taken = await supervisor.api<{ agentId: string }>(
      'POST',
      conversationPath(first.conversationId, '/take-over'),
      { reason: '客户投诉升级' },
    );
    assert.equal(taken.status, 200, JSON.stringify(taken.body));
    assert.equal(taken.body.agentId, 'supervisor01');

    const to = other(second.snapshot.agentId!);
    const moved = await supervisor.api('POST', conversationPath(second.conversationId, '/transfer'), {
      toAgentId: to,
      reason: '平衡负载',
    });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    await stack.until(
      'reassigned',
      () => stack.snapshot(second.conversationId),
      (s) => s.agentId === to,
    );
    for (const [conversationId, reason] of [
      [first.conversationId, '客户投诉升级'],
      [second.conversationId, '平衡负载'],
    ] as const) {
      const events = await EventModel.find({ conversationId }).lean();
      assert.ok(
        events.some((e) => JSON.stringify(e.data).includes(reason) && JSON.stringify(e.data).includes('supervisor01')),
        `${conversationId}: actor and reason recorded`,
      );
    }
  });

  async function handedOff(customer: string, text: string) {
    await stack.say(customer, text);
    return stack.withAgent(customer);
  }
});

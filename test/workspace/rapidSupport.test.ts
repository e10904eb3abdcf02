// The rapid-support group as people, through the api on the real stack: supervisors keep its
// members; an agent asks it for help on a conversation they serve; members and supervisors see the
// request live (nobody else does), join, read the conversation, whisper to the agent (the customer
// never receives it) and take it over; a request whose conversation moves elsewhere ends by itself;
// high-risk handoffs and SLA breaches reach the members' workspaces and the group robot, naming them.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { AgentModel } from '../../db/models/agent';
import { EventModel } from '../../db/models/event';
import { readEvents, type EventReader } from '../support/eventStream';
import { maybeRecordHistory } from '../support/histories';
import { startStack, type Stack } from '../support/stack';
import { tokenFor } from '../support/users';

interface Consult {
  consultId: string;
  conversationId: string;
  question: string;
  requestedBy: { agentId: string };
  helpers: { userId: string }[];
  whispers: number;
  nickname?: string;
}
interface RapidSupport {
  member: boolean;
  consults: Consult[];
  notices: { conversationId: string; kinds: string[]; breached: string[] }[];
}

const SUPERVISOR = { userId: 'supervisor01', role: 'supervisor' } as const;
const path = (conversationId: string, rest = '') => `/api/conversations/${encodeURIComponent(conversationId)}${rest}`;

/** The WeCom group robot: every alert posted to it. */
async function groupRobot() {
  const posts: { markdown: { content: string } }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      posts.push(JSON.parse(body) as { markdown: { content: string } });
      res.setHeader('content-type', 'application/json');
      res.end('{"errcode":0,"errmsg":"ok"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cgi-bin/webhook/send?key=test`,
    posts,
    server,
  };
}

describe('the rapid-support group', () => {
  let stack: Stack;
  let robot: Awaited<ReturnType<typeof groupRobot>>;
  const streams: EventReader[] = [];
  const watch = async (userId: string, role: 'agent' | 'supervisor' = 'agent') => {
    const reader = await readEvents(`${stack.apiUrl}/api/workspace/events`, await tokenFor({ userId, role }));
    streams.push(reader);
    return reader;
  };
  const lastView = (reader: EventReader) =>
    reader.events.filter((e) => e.event === 'rapidSupport').at(-1)?.data as unknown as RapidSupport | undefined;
  /** Hands a customer to this agent (the only one online besides the supervisor). */
  const handTo = async (agentId: string, customer: string, text = '转人工，门锁指纹识别不了') => {
    await AgentModel.updateMany({ agentId: { $nin: [agentId] } }, { $set: { status: 'offline' } });
    await AgentModel.updateOne({ agentId }, { $set: { status: 'online', capacity: 10 } });
    await stack.say(customer, text);
    const { conversationId, snapshot } = await stack.withAgent(customer);
    assert.equal(snapshot.agentId, agentId);
    return conversationId;
  };

  before(async () => {
    robot = await groupRobot();
    stack = await startStack({
      settings: { firstResponseSlaMs: 600_000, humanIdleNudgeMs: 600_000, humanIdleCloseMs: 600_000 },
      env: { ALERT_WEBHOOK_URL: robot.url },
    });
  });
  after(async () => {
    for (const stream of streams) stream.close();
    await stack?.close();
    robot?.server.close();
  });

  it('supervisors keep the members; everyone sees who they are', async () => {
    assert.equal((await stack.as('zhangsan').api('PUT', '/api/rapid-support/members/zhaoliu')).status, 403);
    const added = await stack.as(SUPERVISOR).api<{ agentId: string }[]>('PUT', '/api/rapid-support/members/zhaoliu');
    assert.equal(added.status, 200);
    assert.deepEqual(
      added.body.map((m) => m.agentId),
      ['supervisor01', 'zhaoliu'],
    );
    assert.equal((await stack.as(SUPERVISOR).api('PUT', '/api/rapid-support/members/nobody')).status, 404);
    const seen = await stack.as('lisi').api<{ agentId: string }[]>('GET', '/api/rapid-support/members');
    assert.deepEqual(
      seen.body.map((m) => m.agentId),
      ['supervisor01', 'zhaoliu'],
    );
    const event = await EventModel.findOne({ type: 'group_member_added', agentId: 'zhaoliu' }).lean();
    assert.equal((event?.data as { by?: string }).by, 'supervisor01');

    await stack.as(SUPERVISOR).api('PUT', '/api/rapid-support/members/wangwu');
    const removed = await stack
      .as(SUPERVISOR)
      .api<{ agentId: string }[]>('DELETE', '/api/rapid-support/members/wangwu');
    assert.ok(!removed.body.some((m) => m.agentId === 'wangwu'));
  });

  it('an agent asks; members see it live, join, whisper and take over; the customer never hears the whisper', async () => {
    const member = await watch('zhaoliu');
    const outsider = await watch('lisi');
    const customer = 'wmRapid1';
    const conversationId = await handTo('zhangsan', customer);
    const asker = stack.as('zhangsan');

    assert.equal(
      (await stack.as('lisi').api('POST', path(conversationId, '/consult'), { question: '帮我看看' })).status,
      403,
      'only the agent serving it asks',
    );
    const asked = await asker.api<Consult>('POST', path(conversationId, '/consult'), {
      question: '客户说指纹模块换过两次还是坏，要不要直接换新锁？',
    });
    assert.equal(asked.status, 201, JSON.stringify(asked.body));
    assert.equal((await asker.api('POST', path(conversationId, '/consult'), { question: '再问一次' })).status, 409);
    const { consultId } = asked.body;

    const seen = await member.next('rapidSupport', (d) =>
      (d as unknown as RapidSupport).consults.some((c) => c.consultId === consultId),
    );
    assert.equal((seen as unknown as RapidSupport).member, true);
    assert.equal(
      (seen as unknown as RapidSupport).consults.find((c) => c.consultId === consultId)?.nickname,
      `客户${customer.slice(-4)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.deepEqual(lastView(outsider)?.consults, [], 'an agent outside the group sees none');
    assert.equal(lastView(outsider)?.member, false);

    const helper = stack.as('zhaoliu');
    assert.equal((await helper.api('GET', path(conversationId, '/messages'))).status, 403, 'not before joining');
    assert.equal((await stack.as('lisi').api('POST', `/api/consults/${consultId}/join`)).status, 403);
    assert.equal((await helper.api('POST', `/api/consults/${consultId}/whispers`, { text: '先别换' })).status, 403);
    const joined = await helper.api<Consult>('POST', `/api/consults/${consultId}/join`);
    assert.equal(joined.status, 200);
    assert.deepEqual(
      joined.body.helpers.map((h) => h.userId),
      ['zhaoliu'],
    );
    const transcript = await helper.api<{ text: string }[]>('GET', path(conversationId, '/messages'));
    assert.equal(transcript.status, 200);
    assert.ok(
      transcript.body.some((m) => m.text.includes('指纹识别不了')),
      'the helper reads the transcript',
    );
    assert.equal(
      (await helper.api('POST', path(conversationId, '/reply'), { text: '您好' })).status,
      409,
      'a helper cannot reply to the customer',
    );

    const whispered = await helper.api('POST', `/api/consults/${consultId}/whispers`, {
      text: '先查保修期，过保再建议换新锁',
    });
    assert.equal(whispered.status, 201);
    const notes = await asker.api<{ kind: string; text: string; to: string; authorId: string }[]>(
      'GET',
      path(conversationId, '/notes'),
    );
    assert.deepEqual(
      notes.body.map((n) => [n.kind, n.to, n.authorId, n.text]),
      [['whisper', 'zhangsan', 'zhaoliu', '先查保修期，过保再建议换新锁']],
    );

    await AgentModel.updateOne({ agentId: 'zhaoliu' }, { $set: { status: 'online' } });
    const taken = await helper.api('POST', `/api/consults/${consultId}/take-over`, { reason: '需要资深客服判断' });
    assert.equal(taken.status, 200, JSON.stringify(taken.body));
    assert.equal((await stack.snapshot(conversationId)).agentId, 'zhaoliu');
    assert.deepEqual((await asker.api<Consult[]>('GET', '/api/consults')).body, [], 'the consult is over');
    const closed = await EventModel.findOne({ type: 'consult_closed', 'data.consultId': consultId }).lean();
    assert.deepEqual(
      [(closed?.data as { outcome?: string }).outcome, (closed?.data as { by?: string }).by],
      ['taken_over', 'zhaoliu'],
    );
    const transfer = await EventModel.findOne({ conversationId, type: 'transfer' }).lean();
    assert.equal((transfer?.data as { by?: { userId: string } }).by?.userId, 'zhaoliu');

    assert.ok(
      !(await stack.received(customer)).some((m) => m.includes('保修期')),
      'the whisper never reaches the customer',
    );
  });

  it('a request ends by itself when its conversation goes to someone else', async () => {
    const conversationId = await handTo('zhangsan', 'wmRapid2');
    const supervisorStream = await watch('supervisor01', 'supervisor');
    const asked = await stack
      .as('zhangsan')
      .api<Consult>('POST', path(conversationId, '/consult'), { question: '客户要求退款，我没权限' });
    assert.equal(asked.status, 201);
    await AgentModel.updateOne({ agentId: 'lisi' }, { $set: { status: 'online' } });
    const moved = await stack
      .as(SUPERVISOR)
      .api('POST', path(conversationId, '/transfer'), { toAgentId: 'lisi', reason: '退款由李四处理' });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    await stack.until(
      'the request ended',
      () => EventModel.findOne({ type: 'consult_closed', 'data.consultId': asked.body.consultId }).lean(),
      (e) => e !== null,
      30_000,
    );
    const closed = await EventModel.findOne({ type: 'consult_closed', 'data.consultId': asked.body.consultId }).lean();
    assert.equal((closed?.data as { outcome?: string }).outcome, 'transferred');
    await supervisorStream.next('rapidSupport', (d) =>
      (d as unknown as RapidSupport).consults.every((c) => c.consultId !== asked.body.consultId),
    );
  });

  it('a high-risk handoff and an SLA breach reach the group: live, and on the group robot naming its members', async () => {
    const member = await watch('zhaoliu');
    // Nobody online: the high-risk customer waits, and the queue's SLA (3 s here) breaks.
    await AgentModel.updateMany({}, { $set: { status: 'offline' } });
    await stack.say('wmRapidRisk', '你们的门锁把我孩子的手夹伤了，我要去消协投诉，还要找媒体曝光');
    const conversationId = await stack.conversationOf('wmRapidRisk');
    const notice = await member.next(
      'rapidSupport',
      (d) => {
        const found = (d as unknown as RapidSupport).notices.find((n) => n.conversationId === conversationId);
        return Boolean(found?.kinds.includes('high_risk') && found.kinds.includes('sla_breach'));
      },
      20_000,
    );
    assert.ok(notice);
    const posted = await stack.until(
      'the group robot',
      async () => robot.posts.map((p) => p.markdown.content),
      (contents) =>
        contents.some((c) => c.includes('high_risk_handoff') && c.includes(conversationId)) &&
        contents.some((c) => c.includes('queue_wait') && c.includes(conversationId)),
    );
    // The alert's path replays (test/conversation/replay.test.ts).
    await maybeRecordHistory(stack.client, conversationId, 'console-high-risk');
    const risk = posted.find((c) => c.includes('high_risk_handoff'))!;
    assert.match(risk, /快速支持小组：.*<@supervisor01>/);
    assert.match(risk, /<@zhaoliu>/);
  });
});

// The workspace's api on the real stack: the live stream (lists, the open conversation, `gone`),
// the handoff card the workflow writes, internal notes, quick replies, the customer's history,
// search and the knowledge base's suggestions, each with who may and who may not.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConversationSnapshot } from '../../workflows/conversationContract';
import { readEvents, type EventReader } from '../support/eventStream';
import { startStack, type Stack } from '../support/stack';
import { tokenFor } from '../support/users';

interface Row {
  conversationId: string;
  nickname?: string;
  waitingSince?: number;
  customerAts: number[];
}
type Lists = { mine: Row[]; queue: Row[]; tickets: Row[]; others?: Row[] };

const path = (conversationId: string, rest = '') => `/api/conversations/${encodeURIComponent(conversationId)}${rest}`;
const ids = (rows: unknown) => (rows as Row[] | undefined)?.map((r) => r.conversationId) ?? [];
const SUPERVISOR = { userId: 'supervisor01', role: 'supervisor' } as const;

describe('the workspace api', () => {
  let stack: Stack;
  const streams: EventReader[] = [];
  const watch = async (userId: string, open?: string, role: 'agent' | 'supervisor' = 'agent') => {
    const token = await tokenFor({ userId, role });
    const reader = await readEvents(
      `${stack.apiUrl}/api/workspace/events${open ? `?open=${encodeURIComponent(open)}` : ''}`,
      token,
    );
    streams.push(reader);
    return reader;
  };
  const handTo = (agentId: string, customer: string, text?: string) => stack.handTo(agentId, customer, text);

  before(async () => {
    stack = await startStack({
      settings: { firstResponseSlaMs: 600_000, humanIdleNudgeMs: 600_000, humanIdleCloseMs: 600_000 },
    });
  });
  after(async () => {
    for (const stream of streams) stream.close();
    await stack?.close();
  });

  it('streams a new assignment to its agent and the queue to everyone, without asking again', async () => {
    await stack.onlineOnly(['zhangsan']);
    const zhangsan = await watch('zhangsan');
    const lisi = await watch('lisi');
    await zhangsan.next('lists');
    await zhangsan.next('agents', (d) => (d.agents as { agentId: string }[]).some((a) => a.agentId === 'lisi'));

    const conversationId = await handTo('zhangsan', 'wmLive1');
    const lists = (await zhangsan.next('lists', (d) => ids(d.mine).includes(conversationId))) as unknown as Lists;
    const row = lists.mine.find((r) => r.conversationId === conversationId)!;
    assert.equal(row.nickname, '客户ive1');
    assert.equal(typeof row.waitingSince, 'number', 'how long the customer has waited');
    assert.equal(row.customerAts.length, 1, 'for the unread badge');
    assert.ok(
      !lisi.events.some((e) => e.event === 'lists' && ids(e.data.mine).includes(conversationId)),
      'not in another agent’s list',
    );

    await stack.onlineOnly([]);
    await stack.say('wmLive2', '我要人工客服');
    const queued = await stack.conversationOf('wmLive2');
    for (const stream of [zhangsan, lisi]) await stream.next('lists', (d) => ids(d.queue).includes(queued));
  });

  it('streams the open conversation, and says `gone` when it is moved away, never showing another’s', async () => {
    const conversationId = await handTo('zhangsan', 'wmLive3');
    const holder = await watch('zhangsan', conversationId);
    // The hub's shared poll may first hand out the snapshot it read just before the assignment.
    const first = await holder.next(
      'snapshot',
      (d) => d.conversationId === conversationId && (d.snapshot as ConversationSnapshot).agentId !== undefined,
    );
    assert.equal((first.snapshot as ConversationSnapshot).agentId, 'zhangsan');
    assert.equal(typeof first.waitingSince, 'number');
    assert.deepEqual((first.snapshot as ConversationSnapshot).handoff?.transcript, [], 'the tail is enough');

    const intruder = await watch('lisi', conversationId);
    const refused = await intruder.next('gone');
    assert.deepEqual([refused.conversationId, refused.why], [conversationId, 'reassigned']);
    assert.ok(!intruder.events.some((e) => e.event === 'snapshot'), 'another agent sees nothing of it');

    // The holder's reply shows in the stream; then a supervisor moves the conversation.
    assert.equal(
      (await stack.as('zhangsan').api('POST', path(conversationId, '/reply'), { text: '您好' })).status,
      200,
    );
    await holder.next('snapshot', (d) =>
      (d.snapshot as ConversationSnapshot).transcriptTail.some((l) => l.from === 'agent' && l.text === '您好'),
    );
    await stack.onlineOnly(['lisi']);
    const moved = await stack.as(SUPERVISOR).api('POST', path(conversationId, '/transfer'), {
      toAgentId: 'lisi',
      reason: '换人跟进',
    });
    assert.equal(moved.status, 200);
    await holder.next('gone', (d) => d.why === 'reassigned');
    await intruder.next('snapshot', (d) => (d.snapshot as ConversationSnapshot).agentId === 'lisi');
  });

  it('writes the handoff card in words: what the customer wants, what was tried, the mood', async () => {
    await stack.onlineOnly(['zhangsan']);
    await stack.say('wmLive4', '退款一直没到账，你们是骗子吗');
    const { snapshot } = await stack.withAgent('wmLive4');
    const card = snapshot.handoff!;
    assert.equal(card.reason, 'negative_sentiment');
    assert.equal(card.intentQuestion, '退款多久到账？');
    assert.equal(card.sentiment, 'negative');
    assert.ok(card.sentimentTerms?.includes('骗子'));
    assert.equal(
      card.summary,
      [
        '客户想了解：退款多久到账？（支付与发票）。最后说：「退款一直没到账，你们是骗子吗」。',
        '机器人还没有作答。',
        '转人工原因：客户不满。',
      ].join('\n'),
    );
  });

  it('keeps internal notes for the people serving the conversation, never for the customer', async () => {
    const conversationId = await handTo('zhangsan', 'wmLive5');
    const holder = await watch('zhangsan', conversationId);
    const note = await stack
      .as('zhangsan')
      .api<{ text: string; authorId: string }>('POST', path(conversationId, '/notes'), {
        text: '客户上周也来过，注意安抚',
      });
    assert.equal(note.status, 201);
    assert.equal(note.body.authorId, 'zhangsan');
    await holder.next('notes', (d) => d.conversationId === conversationId);
    const notes = await stack.as('zhangsan').api<{ text: string }[]>('GET', path(conversationId, '/notes'));
    assert.deepEqual(
      notes.body.map((n) => n.text),
      ['客户上周也来过，注意安抚'],
    );
    const supervisor = await stack.as(SUPERVISOR).api<unknown[]>('GET', path(conversationId, '/notes'));
    assert.equal(supervisor.body.length, 1, 'supervisors read them');
    for (const [method, body] of [
      ['GET', undefined],
      ['POST', { text: '偷看' }],
    ] as const) {
      assert.equal((await stack.as('lisi').api(method, path(conversationId, '/notes'), body)).status, 403);
    }
    assert.ok(!(await stack.received('wmLive5')).some((text) => text.includes('注意安抚')), 'never sent');
  });

  it('quick replies: the shared starter set, personal ones for their owner, shared ones kept by supervisors', async () => {
    const zhangsan = stack.as('zhangsan');
    const shared = await zhangsan.api<{ title: string; scope: string }[]>('GET', '/api/quick-replies');
    assert.ok(shared.body.some((r) => r.title === '稍等' && r.scope === 'shared'));

    const mine = await zhangsan.api<{ replyId: string }>('POST', '/api/quick-replies', {
      title: '电池型号',
      text: '门锁用的是 4 节 5 号碱性电池。',
    });
    assert.equal(mine.status, 201);
    const found = await zhangsan.api<{ title: string }[]>('GET', '/api/quick-replies?q=碱性');
    assert.deepEqual(
      found.body.map((r) => r.title),
      ['电池型号'],
    );
    const others = await stack.as('lisi').api<{ title: string }[]>('GET', '/api/quick-replies?q=碱性');
    assert.deepEqual(others.body, [], 'personal replies are their owner’s');
    assert.equal(
      (await stack.as('lisi').api('PUT', `/api/quick-replies/${mine.body.replyId}`, { title: 'x', text: 'y' })).status,
      403,
    );

    const sharedByAgent = await zhangsan.api('POST', '/api/quick-replies', {
      title: '共享',
      text: '共享',
      shared: true,
    });
    assert.equal(sharedByAgent.status, 403);
    const sharedBySupervisor = await stack
      .as(SUPERVISOR)
      .api('POST', '/api/quick-replies', { title: '节假日', text: '节假日期间发货顺延。', shared: true });
    assert.equal(sharedBySupervisor.status, 201);
    const seen = await stack.as('lisi').api<{ title: string }[]>('GET', '/api/quick-replies?q=节假日');
    assert.deepEqual(
      seen.body.map((r) => r.title),
      ['节假日'],
    );
    assert.equal((await zhangsan.api('DELETE', `/api/quick-replies/${mine.body.replyId}`)).status, 200);
  });

  it('shows the customer’s profile, earlier sessions and tickets to who serves them', async () => {
    const first = await handTo('zhangsan', 'wmLive6', '转人工，门锁换电池后打不开');
    const ticket = await stack
      .as('zhangsan')
      .api<{ ticketNo: string }>('POST', path(first, '/ticket'), { title: '换电池后打不开', priority: 'high' });
    assert.equal(ticket.status, 200);
    await stack.as('zhangsan').api('POST', path(first, '/resolve'), {});
    await stack.until(
      'the first session closed',
      () => stack.snapshot(first),
      (s) => s.state === 'closed',
    );
    await stack.say('wmLive6', '转人工，还是打不开');
    const second = await stack.until(
      'the next session',
      () => stack.conversationOf('wmLive6'),
      (id) => id !== first,
    );
    await stack.until(
      'the next session with an agent',
      () => stack.snapshot(second),
      (s) => s.state === 'human',
    );
    const customer = await stack.as('zhangsan').api<{
      nickname: string;
      sessions: { conversationId: string; ticketNo?: string }[];
      tickets: { ticketNo: string; priority: string }[];
    }>('GET', path(second, '/customer'));
    assert.equal(customer.status, 200);
    assert.equal(customer.body.nickname, '客户ive6');
    assert.deepEqual(
      customer.body.sessions.map((s) => s.conversationId),
      [first],
    );
    assert.deepEqual(
      customer.body.tickets.map((t) => [t.ticketNo, t.priority]),
      [[ticket.body.ticketNo, 'high']],
    );
    assert.equal((await stack.as('lisi').api('GET', path(second, '/customer'))).status, 403);
  });

  it('finds conversations by what was said: agents their own, supervisors every one', async () => {
    const conversationId = await handTo('zhangsan', 'wmLive7', '转人工，我的蓝色智能门锁把手松了');
    const search = (who: Parameters<Stack['as']>[0], q: string) =>
      stack
        .as(who)
        .api<{ conversationId: string; match?: { text: string } }[]>(
          'GET',
          `/api/search/conversations?q=${encodeURIComponent(q)}`,
        );
    const own = await search('zhangsan', '蓝色智能门锁');
    assert.deepEqual(ids(own.body), [conversationId]);
    assert.match(own.body[0]!.match!.text, /蓝色智能门锁把手松了/);
    assert.deepEqual((await search('lisi', '蓝色智能门锁')).body, [], 'not another agent’s');
    assert.deepEqual(ids((await search(SUPERVISOR, '蓝色智能门锁')).body), [conversationId]);
    assert.deepEqual(ids((await search(SUPERVISOR, 'wmLive7')).body), [conversationId], 'by the customer id');
    assert.equal((await search('zhangsan', '蓝')).status, 400, 'two characters at least');
  });

  it('suggests the knowledge base’s answers for a question, and nothing for noise', async () => {
    const suggest = (text: string) =>
      stack
        .as('zhangsan')
        .api<{ entryId: string; question: string }[]>('GET', `/api/kb/suggestions?text=${encodeURIComponent(text)}`);
    const refund = await suggest('退款一直没到账');
    assert.deepEqual(refund.body[0], { ...refund.body[0], entryId: 'refund-time', question: '退款多久到账？' });
    assert.deepEqual((await suggest('啊啊啊啊')).body, []);
  });

  it('gives the workspace its words: states, reasons, skills by name, ticket due times', async () => {
    const labels = await stack
      .as('zhangsan')
      .api<Record<string, Record<string, unknown>>>('GET', '/api/workspace/labels');
    assert.equal(labels.body.states!.queued, '排队中');
    assert.equal(labels.body.handoffReasons!.answer_rejected, '回答未解决问题');
    assert.equal(labels.body.skills!.billing, '支付与发票');
    assert.equal(labels.body.ticketDueHours!.urgent, 4);
  });
});

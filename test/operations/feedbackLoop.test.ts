// The knowledge-base feedback loop end to end: an agent marks a bot answer wrong in a conversation
// → it is in the review queue, grouped with the same question turned down by a customer → an
// editor turns the group into a new entry → the next customer asking the identical question is
// answered from the new entry by the running worker (no restart) → rolling the KB back restores the
// old answer. Also: hit testing before and after a draft, the history, export and import.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AgentModel } from '../../db/models/agent';
import { MessageModel } from '../../db/models/message';
import type { Summary } from '../../domain/kpi';
import { startStack, type Stack } from '../support/stack';

const QUESTION = '快递到哪了怎么看';
const NEW_ANSWER = '新版物流查询：在小程序「我的订单」点「物流」，或回复订单号，我们为您查询。';

interface Group {
  question: string;
  entryId?: string;
  items: { id: string; source: string; question: string; reason?: string }[];
}

describe('feedback loop: a wrong answer becomes a KB fix the bot serves at once, and a rollback undoes it', () => {
  let stack: Stack;
  let oldAnswer: string;
  let oldEntry: string;
  before(async () => {
    stack = await startStack({
      env: { KB_RELOAD_SECONDS: '1' },
      // Conversations stay with the agent while the test looks at them.
      settings: { firstResponseSlaMs: 600_000, humanIdleNudgeMs: 600_000, humanIdleCloseMs: 600_000 },
    });
    await AgentModel.updateMany({ agentId: { $ne: 'zhangsan' } }, { $set: { status: 'offline' } });
  });
  after(() => stack?.close());

  const editor = () => stack.as({ userId: 'kbeditor1', role: 'agent', kbEditor: true });
  const botAnswer = async (customer: string) => {
    const conversationId = await stack.conversationOf(customer);
    const answer = await stack.until(
      'the bot answer stored',
      () => MessageModel.findOne({ conversationId, from: 'bot', kbEntryId: { $exists: true } }).lean(),
      (m) => m !== null,
    );
    return { conversationId, answer: answer! };
  };

  it('an agent marks the answer wrong; it is in the review queue with the customer’s own rejection', async () => {
    await stack.say('wmLoop1', QUESTION);
    await stack.until(
      'the answer',
      () => stack.received('wmLoop1'),
      (m) => m.some((x) => /是否解决/.test(x)),
    );
    const { conversationId, answer } = await botAnswer('wmLoop1');
    oldAnswer = answer.text!;
    oldEntry = answer.kbEntryId!;
    await stack.say('wmLoop1', '转人工');
    const { snapshot } = await stack.withAgent('wmLoop1');
    const agent = stack.as(snapshot.agentId!);
    // The Temporal UI's view of the run: the current details say where it stands, in Chinese.
    const metadata = await stack.client.workflow
      .getHandle(conversationId)
      .query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    assert.match(metadata.currentDetails ?? '', /人工服务中[\s\S]*转人工原因：客户要求人工[\s\S]*客服：/);

    assert.equal(
      (await agent.api('POST', '/api/feedback', { conversationId, msgid: answer.msgid, verdict: 'wrong' })).status,
      400,
      'a wrong mark needs a reason',
    );
    const marked = await agent.api<{ counted: boolean; reviewItem: string }>('POST', '/api/feedback', {
      conversationId,
      msgid: answer.msgid,
      verdict: 'wrong',
      reason: 'outdated',
      correctAnswer: NEW_ANSWER,
    });
    assert.equal(marked.status, 200, JSON.stringify(marked.body));
    assert.equal(marked.body.counted, true);
    assert.equal(
      (
        await stack
          .as('someone-else')
          .api('POST', '/api/feedback', { conversationId, msgid: answer.msgid, verdict: 'right' })
      ).status,
      403,
      'only who may see the conversation marks its answers',
    );
    const marks = await agent.api<{ msgid: string; verdict: string }[]>(
      'GET',
      `/api/feedback?conversationId=${encodeURIComponent(conversationId)}`,
    );
    assert.deepEqual(
      marks.body.map((m) => [m.msgid, m.verdict]),
      [[answer.msgid, 'wrong']],
    );

    // A second customer turns the same answer down themselves.
    await stack.say('wmLoop2', QUESTION);
    await stack.until(
      'the answer',
      () => stack.received('wmLoop2'),
      (m) => m.some((x) => /是否解决/.test(x)),
    );
    await stack.choose('wmLoop2', '未解决');

    const groups = await stack.until(
      'both in one group of the review queue',
      async () => (await editor().api<Group[]>('GET', '/api/review/groups')).body,
      (gs) => Array.isArray(gs) && gs.some((g) => g.entryId === oldEntry && g.items.length >= 3),
    );
    const group = groups.find((g) => g.entryId === oldEntry)!;
    // The agent's mark, the customer's rejection, and the first customer's handoff right after the answer.
    assert.deepEqual(group.items.map((i) => i.source).sort(), [
      'agent_marked',
      'customer_rejected',
      'handoff_after_answer',
    ]);
    assert.equal(group.items.find((i) => i.source === 'agent_marked')!.reason, 'outdated');
    assert.equal(group.question, QUESTION);
    assert.equal((await stack.as('zhangsan').api('GET', '/api/review/groups')).status, 403, 'editors only');

    // The misjudgement rate counts both: one rejected by the customer, one marked by the agent.
    const kpi = await stack.api<Summary>('GET', `/api/analytics/summary?openKfId=${stack.openKfId}`);
    assert.equal(kpi.body.rejectedByCustomer, 1);
    assert.equal(kpi.body.markedWrongByAgent, 1);
    assert.equal(kpi.body.misjudgementRate, 2 / kpi.body.answers);
  });

  it('hit testing shows the candidates’ scores and the decision, before and after a draft', async () => {
    const draft = { id: 'tracking-new', skill: 'logistics', question: QUESTION, similar: [], answer: NEW_ANSWER };
    const res = await editor().api<{
      current: {
        candidates: { entryId: string; lexical: number; semantic: number | null; fused: number | null }[];
        decision: { kind: string; entryId?: string };
      };
      draft: { decision: { kind: string; entryId?: string } };
    }>('POST', '/api/kb/hit-test', { question: QUESTION, draft });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.current.decision, { kind: 'answer', entryId: oldEntry });
    const top = res.body.current.candidates[0]!;
    assert.equal(top.entryId, oldEntry);
    assert.ok(top.lexical > 0 && top.semantic !== null && top.fused !== null, JSON.stringify(top));
    assert.deepEqual(res.body.draft.decision, { kind: 'answer', entryId: 'tracking-new' });
  });

  it('an editor turns the group into a new entry; the next identical question is answered from it, no restart; a rollback restores the old answer', async () => {
    const { body: history } = await editor().api<{ version: number }>('GET', '/api/kb/changes');
    const before = history.version;
    const group = (await editor().api<Group[]>('GET', '/api/review/groups')).body.find((g) => g.entryId === oldEntry)!;
    const fix = await editor().api<{ kbVersion: number; entryId: string }>('POST', '/api/review/fix', {
      ids: group.items.map((i) => i.id),
      newEntry: { id: 'tracking-new', skill: 'logistics', question: QUESTION, similar: [], answer: NEW_ANSWER },
    });
    assert.equal(fix.status, 200, JSON.stringify(fix.body));
    assert.equal(fix.body.kbVersion, before + 1);
    const fixed = (await editor().api<Group[]>('GET', '/api/review/groups?status=fixed')).body;
    assert.ok(fixed.some((g) => g.items.length === group.items.length));

    // The running worker picks the new version up (KB_RELOAD_SECONDS=1 here; 30 s by default).
    await stack.say('wmLoop3', QUESTION);
    const answered = await stack.until(
      'the answer from the new entry',
      () => stack.received('wmLoop3'),
      (m) => m.length > 0,
    );
    assert.equal(answered[0], NEW_ANSWER);

    const changes = await editor().api<{ changes: { version: number; by: string; action: string; entryId: string }[] }>(
      'GET',
      '/api/kb/changes',
    );
    assert.deepEqual(changes.body.changes[0], {
      ...changes.body.changes[0],
      by: 'kbeditor1',
      action: 'create',
      entryId: 'tracking-new',
    });

    const rolled = await editor().api<{ restored: string[] }>('POST', '/api/kb/rollback', { version: before });
    assert.equal(rolled.status, 200);
    assert.deepEqual(rolled.body.restored, ['tracking-new']);
    await new Promise((resolve) => setTimeout(resolve, 2500)); // one reload period and a rebuild
    await stack.say('wmLoop4', QUESTION);
    const restored = await stack.until(
      'the answer after the rollback',
      () => stack.received('wmLoop4'),
      (m) => m.length > 0,
    );
    assert.equal(restored[0], oldAnswer);
  });

  it('the KB exports in its file format and imports back as versions', async () => {
    const exported = await editor().api<{
      entries: { id: string; answer: string; enabled: boolean }[];
      version: number;
    }>('GET', '/api/kb/export');
    assert.equal(exported.status, 200);
    assert.ok(exported.body.entries.some((e) => e.id === 'tracking-new' && e.enabled === false));
    const edited = {
      ...exported.body,
      entries: exported.body.entries.map((e) => (e.id === 'tracking-new' ? { ...e, enabled: true } : e)),
    };
    const imported = await editor().api<{ changed: string[] }>('POST', '/api/kb/import', edited);
    assert.equal(imported.status, 200, JSON.stringify(imported.body));
    assert.deepEqual(imported.body.changed, ['tracking-new']);
    assert.equal(
      (await editor().api('POST', '/api/kb/import', { entries: [{ id: 'x y', question: 'q' }] })).status,
      400,
    );
  });
});

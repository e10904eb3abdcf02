// The KPIs end to end: scripted conversations through the sandbox, the api and the workflow (the bot
// resolving with and without a "yes", answers turned down, handoffs for each reason the bot can
// take, a queue-wait breach, a ticket, surveys, customers coming back), then the analytics API's
// figures against figures this test recomputes on its own from what was stored — the transcripts
// (messages), the conversation mirror, the alerts and the event log — and /metrics against both.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { register } from 'prom-client';
import { AgentModel } from '../../db/models/agent';
import { AlertModel } from '../../db/models/alert';
import { ConversationModel } from '../../db/models/conversation';
import { EventModel } from '../../db/models/event';
import { MessageModel } from '../../db/models/message';
import type { Summary } from '../../domain/kpi';
import { startStack, type Stack } from '../support/stack';
import { ensureUser } from '../support/users';

const HOUR = 3600_000;

describe('KPIs: the analytics API equals what the transcripts say', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ settings: { csatWaitMs: 3000 } });
    // The supervisor serves only what they pull (routing never offers them a conversation).
    await ensureUser({ userId: 'supervisor01', role: 'supervisor' });
    await AgentModel.updateOne({ agentId: 'supervisor01' }, { $set: { status: 'away' } });
  });
  after(() => stack?.close());

  const path = (id: string) => `/api/conversations/${encodeURIComponent(id)}`;
  const closed = (conversationId: string) =>
    stack.until(
      `${conversationId} closed`,
      () => ConversationModel.findOne({ conversationId }).lean(),
      (c) => c?.state === 'closed',
      40_000,
    );
  const received = (customer: string, pattern: RegExp, count = 1) =>
    stack.until(
      `${customer} receives ${pattern}`,
      () => stack.received(customer),
      (m) => m.filter((x) => pattern.test(x)).length >= count,
      30_000,
    );
  /** The workflow ended: the survey answered or its wait over. */
  const finished = async (conversationId: string) => {
    await closed(conversationId);
    await stack.client.workflow.getHandle(conversationId).result();
  };

  /** A person takes it from the queue, replies and resolves; the customer rates the service. */
  async function servedByAgent(customer: string, score?: string) {
    const { conversationId, snapshot } = await stack.withAgent(customer);
    const agent = stack.as(snapshot.agentId!);
    assert.equal((await agent.api('POST', `${path(conversationId)}/reply`, { text: '您好，我来处理。' })).status, 200);
    assert.equal((await agent.api('POST', `${path(conversationId)}/resolve`, {})).status, 200);
    if (score) {
      await received(customer, /评价/);
      await stack.choose(customer, score);
    }
    await finished(conversationId);
    return conversationId;
  }

  it('drives the scripted conversations', async () => {
    await Promise.all([
      // Resolved by the bot, confirmed, rated 满意; then back the next session with the same question.
      (async () => {
        await stack.say('wmKpiYes', '运费多少钱');
        await received('wmKpiYes', /是否解决/);
        await stack.choose('wmKpiYes', '已解决');
        await received('wmKpiYes', /评价/);
        await stack.choose('wmKpiYes', '满意');
        const first = await stack.conversationOf('wmKpiYes');
        await finished(first);
        await stack.say('wmKpiYes', '这个要付邮费吗');
        await stack.until(
          'the second session',
          () => stack.conversationOf('wmKpiYes'),
          (id) => id !== first,
        );
        await received('wmKpiYes', /是否解决/, 2);
        await stack.choose('wmKpiYes', '已解决');
        await finished(await stack.conversationOf('wmKpiYes'));
      })(),
      // The customer goes quiet after the answer (assumed contained), then comes back about something else.
      (async () => {
        await stack.say('wmKpiQuiet', '怎么开发票');
        await received('wmKpiQuiet', /是否解决/);
        const first = await stack.conversationOf('wmKpiQuiet');
        await finished(first);
        await stack.say('wmKpiQuiet', '可以寄到新加坡吗');
        await stack.until(
          'the second session',
          () => stack.conversationOf('wmKpiQuiet'),
          (id) => id !== first,
        );
        await received('wmKpiQuiet', /是否解决/, 2);
        await stack.choose('wmKpiQuiet', '已解决');
        await finished(await stack.conversationOf('wmKpiQuiet'));
      })(),
      // Another quiet one who does not come back: stays assumed contained.
      (async () => {
        await stack.say('wmKpiQuiet2', '满多少包邮');
        await received('wmKpiQuiet2', /是否解决/);
        await finished(await stack.conversationOf('wmKpiQuiet2'));
      })(),
    ]);

    // Handoffs, one reason after another (agents are few; the queue stays short).
    await stack.say('wmKpiNo', '怎么查物流');
    await received('wmKpiNo', /是否解决/);
    await stack.choose('wmKpiNo', '未解决');
    await stack.until(
      'a second answer or the handoff',
      () => stack.received('wmKpiNo'),
      (m) => m.length >= 3,
    );
    if ((await stack.snapshot(await stack.conversationOf('wmKpiNo'))).state === 'confirming') {
      await received('wmKpiNo', /是否解决/, 2);
      await stack.choose('wmKpiNo', '未解决');
    }
    await servedByAgent('wmKpiNo', '不满意');

    await stack.say('wmKpiHuman', '转人工');
    await servedByAgent('wmKpiHuman', '满意');

    await stack.say('wmKpiRisk', '我要打12315投诉你们');
    await servedByAgent('wmKpiRisk', '一般');

    await stack.say('wmKpiAngry', '你们这什么破服务，等了一个星期还没发货');
    await servedByAgent('wmKpiAngry');

    await stack.say('wmKpiRepeat', '怎么查物流');
    await received('wmKpiRepeat', /是否解决/);
    await stack.say('wmKpiRepeat', '怎么查物流');
    await servedByAgent('wmKpiRepeat', '满意');

    await stack.say('wmKpiLost', 'asdfghjkl');
    await received('wmKpiLost', /没有完全理解/);
    await stack.say('wmKpiLost', '？？？qwerty');
    await servedByAgent('wmKpiLost');

    // A supervisor pulls a conversation from the bot.
    await stack.say('wmKpiPulled', '怎么开发票');
    await received('wmKpiPulled', /是否解决/);
    const pulled = await stack.conversationOf('wmKpiPulled');
    const boss = stack.as({ userId: 'supervisor01', role: 'supervisor' });
    await AgentModel.updateOne({ agentId: 'supervisor01' }, { $set: { status: 'online' } });
    assert.equal(
      (await boss.api('POST', `${path(pulled)}/take-over`, { reason: '抽查' })).status,
      200,
      'take-over answered',
    );
    await stack.until(
      'with the supervisor',
      () => stack.snapshot(pulled),
      (s) => s.state === 'human',
    );
    assert.equal((await boss.api('POST', `${path(pulled)}/reply`, { text: '您好，我是主管。' })).status, 200);
    assert.equal((await boss.api('POST', `${path(pulled)}/resolve`, { reason: '已处理' })).status, 200);
    await finished(pulled);
    await AgentModel.updateOne({ agentId: 'supervisor01' }, { $set: { status: 'away' } });

    // Nobody free: the queue-wait SLA breaks before an agent comes back.
    await AgentModel.updateMany({}, { $set: { status: 'offline' } });
    await stack.say('wmKpiWait', '我要人工客服');
    const waiting = await stack.conversationOf('wmKpiWait');
    await stack.until(
      'the queue-wait breach',
      () => AlertModel.findOne({ conversationId: waiting, kind: 'queue_wait' }).lean(),
      (a) => a !== null,
    );
    await AgentModel.updateOne({ agentId: 'zhaoliu' }, { $set: { status: 'online' } });
    await stack.api('POST', '/api/agents/zhaoliu/status', { status: 'online' });
    await servedByAgent('wmKpiWait', '满意');

    // A ticket: created by the agent, resolved days of work later (here: at once).
    await stack.say('wmKpiTicket', '转人工，门锁指纹模块坏了');
    const { conversationId: ticketed, snapshot } = await stack.withAgent('wmKpiTicket');
    const agent = stack.as(snapshot.agentId!);
    assert.equal((await agent.api('POST', `${path(ticketed)}/reply`, { text: '我来建个工单。' })).status, 200);
    const ticket = await agent.api<{ ticketNo: string }>('POST', `${path(ticketed)}/ticket`, { title: '指纹模块故障' });
    assert.equal(ticket.status, 200);
    await received('wmKpiTicket', new RegExp(ticket.body.ticketNo));
    await agent.api('POST', `/api/tickets/${ticket.body.ticketNo}/status`, { status: 'resolved', note: '已更换' });
    await received('wmKpiTicket', /评价/);
    await stack.choose('wmKpiTicket', '满意');
    await finished(ticketed);
  });

  it('the analytics API equals the figures recomputed from the stored transcripts, and /metrics agrees', async () => {
    const conversations = await ConversationModel.find({ openKfId: stack.openKfId }).lean();
    const messages = await MessageModel.find({ openKfId: stack.openKfId }).sort({ sentAt: 1 }).lean();
    const events = await EventModel.find({ openKfId: stack.openKfId }).lean();
    const alerts = await AlertModel.find({}).lean();
    const said = (conversationId: string) => messages.filter((m) => m.conversationId === conversationId);
    const servedBy = (conversationId: string) =>
      said(conversationId).findLast((m) => m.from === 'agent')?.agentId ?? undefined;
    const topic = (conversationId: string) => said(conversationId).findLast((m) => m.kbEntryId)?.kbEntryId;
    const firstTopic = (conversationId: string) => said(conversationId).find((m) => m.kbEntryId)?.kbEntryId;
    const botOnly = (c: (typeof conversations)[number]) => !c.handoffReason && !servedBy(c.conversationId);
    const answered = (c: (typeof conversations)[number]) => said(c.conversationId).some((m) => m.kbEntryId);
    /** The customer's next session, if any. */
    const next = (c: (typeof conversations)[number]) =>
      conversations.find((o) => o.externalUserId === c.externalUserId && o.session === c.session + 1);
    const rejections = messages.filter((m) => m.from === 'customer' && /未解决|没解决/.test(m.text ?? ''));
    const shareSatisfied = (list: typeof conversations) =>
      list.length === 0 ? null : list.filter((c) => c.csat === 'satisfied').length / list.length;
    const rated = conversations.filter((c) => c.csat);
    const handedOff = conversations.filter((c) => c.handoffReason);
    const breached = (id: string) =>
      alerts.some((a) => a.conversationId === id && /queue_wait|first_response/.test(a.kind));
    const eligibleForFcr = conversations.filter((c) => c.closedReason !== 'idle');
    const mean = (values: number[]) =>
      values.length === 0 ? null : Math.round(values.reduce((a, b) => a + b, 0) / values.length);
    const ofType = (type: string) =>
      events.filter((e) => e.type === type).map((e) => e.data as Record<string, number | undefined>);

    const expected = {
      conversations: conversations.length,
      botResolvedConfirmed: conversations.filter((c) => botOnly(c) && c.closedReason === 'resolved_by_bot').length,
      // Silent after an answer, and no next session within 24 hours.
      botResolvedAssumed: conversations.filter(
        (c) =>
          botOnly(c) &&
          answered(c) &&
          ['resolved_silently', 'idle'].includes(c.closedReason ?? '') &&
          !(next(c) && next(c)!.startedAt.getTime() - c.closedAt!.getTime() <= 24 * HOUR),
      ).length,
      handoffsByReason: Object.fromEntries(
        [...new Set(handedOff.map((c) => c.handoffReason!))].map((r) => [
          r,
          handedOff.filter((c) => c.handoffReason === r).length,
        ]),
      ),
      answers: messages.filter((m) => m.from === 'bot' && m.kbEntryId).length,
      misjudgementRate: rejections.length / messages.filter((m) => m.from === 'bot' && m.kbEntryId).length,
      // Settled, and no next session about the same topic within 7 days.
      fcrRate:
        eligibleForFcr.filter((c) => {
          const later = next(c);
          return !(later && topic(c.conversationId) && firstTopic(later.conversationId) === topic(c.conversationId));
        }).length / eligibleForFcr.length,
      csatBot: shareSatisfied(rated.filter((c) => !servedBy(c.conversationId))),
      csatHuman: shareSatisfied(rated.filter((c) => servedBy(c.conversationId))),
      slaAttainment: handedOff.filter((c) => !breached(c.conversationId)).length / handedOff.length,
      // Durations as the workflow timed them, from the event log.
      frtBotMs: mean(ofType('bot_first_response').map((d) => d.ms!)),
      frtHumanMs: mean(
        ofType('first_response')
          .filter((d) => d.sinceHandoffSeconds !== undefined)
          .map((d) => d.sinceHandoffSeconds! * 1000),
      ),
      ahtMs: mean(
        ofType('closed')
          .filter((d) => (d as { servedBy?: string }).servedBy)
          .map((d) => (d.handlingSeconds ?? 0) * 1000),
      ),
    };
    // The script's own expectations, so that the recomputation cannot agree with a broken product.
    assert.equal(expected.conversations, 14);
    assert.equal(expected.botResolvedConfirmed, 3);
    assert.equal(expected.botResolvedAssumed, 1, 'one quiet customer came back within the window');
    assert.deepEqual(Object.keys(expected.handoffsByReason).sort(), [
      'agent_requested',
      'answer_rejected',
      'customer_request',
      'high_risk',
      'low_confidence',
      'negative_sentiment',
      'repeated_question',
    ]);
    assert.ok(expected.slaAttainment < 1, 'the queue-wait breach counts');

    const from = new Date(Date.now() - 2 * HOUR).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const started = performance.now();
    const res = await stack
      .as({ userId: 'boss2', role: 'supervisor' })
      .api<Summary>(
        'GET',
        `/api/analytics/summary?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&openKfId=${stack.openKfId}`,
      );
    const ms = performance.now() - started;
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const kpi = res.body;
    process.stdout.write(`# analytics summary answered in ${ms.toFixed(0)} ms\n`);

    assert.equal(kpi.conversations, expected.conversations);
    assert.equal(kpi.botResolvedConfirmed, expected.botResolvedConfirmed);
    assert.equal(kpi.botResolvedAssumed, expected.botResolvedAssumed);
    for (const [reason, count] of Object.entries(kpi.handoffsByReason))
      assert.equal(count, expected.handoffsByReason[reason] ?? 0, `handoffs for ${reason}`);
    assert.equal(kpi.answers, expected.answers);
    assert.equal(kpi.misjudgementRate, expected.misjudgementRate);
    assert.equal(kpi.fcrRate, expected.fcrRate);
    assert.equal(kpi.csatBot, expected.csatBot);
    assert.equal(kpi.csatHuman, expected.csatHuman);
    assert.equal(kpi.slaAttainment, expected.slaAttainment);
    assert.equal(kpi.frtBotMs, expected.frtBotMs);
    assert.equal(kpi.frtHumanMs, expected.frtHumanMs);
    assert.equal(kpi.ahtMs, expected.ahtMs);
    assert.ok(Array.isArray(kpi.perAgent) && kpi.perAgent.length >= 2);
    const agentConversations = new Map<string, number>();
    for (const c of conversations) {
      const agentId = servedBy(c.conversationId);
      if (agentId) agentConversations.set(agentId, (agentConversations.get(agentId) ?? 0) + 1);
    }
    assert.deepEqual(
      Object.fromEntries(kpi.perAgent.filter((a) => a.conversations > 0).map((a) => [a.agentId, a.conversations])),
      Object.fromEntries(agentConversations),
    );
    // The entries of the answers the customer turned down: in this script each "未解决" answers the
    // conversation's next answer in turn (WeCom's send_time has whole seconds, so time cannot order them).
    const turnedDown = new Map<string, number>();
    for (const conversationId of new Set(rejections.map((r) => r.conversationId))) {
      const answers = said(conversationId).filter((m) => m.from === 'bot' && m.kbEntryId);
      rejections
        .filter((r) => r.conversationId === conversationId)
        .forEach((_, k) => turnedDown.set(answers[k]!.kbEntryId!, (turnedDown.get(answers[k]!.kbEntryId!) ?? 0) + 1));
    }
    assert.ok(turnedDown.has('tracking'));
    assert.deepEqual(
      Object.fromEntries(kpi.topMisjudgedEntries.map((e) => [e.entryId, e.misjudgements])),
      Object.fromEntries(turnedDown),
    );
    assert.equal(kpi.ticketsCreated, 1);
    assert.equal(kpi.ticketsResolved, 1);

    // The same counts on /metrics (the worker runs in this process).
    const metrics = await register.getMetricsAsJSON();
    const sum = (name: string, labels: Record<string, string> = {}) =>
      (metrics.find((m) => m.name === name)?.values ?? [])
        .filter((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want))
        .reduce((total, v) => total + v.value, 0);
    assert.equal(sum('cs_conversations_opened_total'), kpi.conversations);
    for (const [reason, count] of Object.entries(kpi.handoffsByReason))
      assert.equal(sum('cs_handoffs_total', { reason }), count, `cs_handoffs_total{reason="${reason}"}`);
    assert.equal(sum('cs_conversations_closed_total', { outcome: 'bot_confirmed' }), kpi.botResolvedConfirmed);
    assert.equal(sum('cs_bot_outcomes_total', { outcome: 'answered' }), kpi.answers);
    assert.equal(sum('cs_misjudgements_total', { source: 'customer' }), kpi.rejectedByCustomer);
    assert.equal(
      sum('cs_csat_total', { served_by: 'human', score: 'satisfied' }),
      rated.filter((c) => servedBy(c.conversationId) && c.csat === 'satisfied').length,
    );
    for (const figures of kpi.perAgent.filter((a) => a.conversations > 0))
      assert.equal(sum('cs_conversations_closed_total', { agent: figures.agentId }), figures.conversations);
  });
});

// The KPI definitions (domain/kpi.ts), table-driven: which counters each event adds to and in
// which cell, and the figures a set of counters makes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countEvent, countMark, dayOf, dayStart, summarize, type Counts, type KpiEvent } from '../../domain/kpi';

const AT = Date.parse('2026-11-25T03:00:00Z'); // 11:00 in China
const HOUR = 3600_000;
const ev = (type: string, data: Record<string, unknown>, extra: Partial<KpiEvent> = {}): KpiEvent => ({
  type,
  at: AT,
  openKfId: 'wk1',
  data,
  ...extra,
});
const previous = (extra: Record<string, unknown> = {}) => ({
  conversationId: 'conv:wk1:c:1',
  closedAt: AT - 2 * HOUR,
  closedReason: 'resolved_silently',
  answered: true,
  topic: 'shipping-fee',
  skill: 'logistics',
  ...extra,
});

describe('KPI definitions', () => {
  it('days start at midnight China Standard Time', () => {
    assert.equal(dayOf(Date.parse('2026-11-24T15:59:59Z')), '2026-11-24');
    assert.equal(dayOf(Date.parse('2026-11-24T16:00:00Z')), '2026-11-25');
    assert.equal(dayStart('2026-11-25'), Date.parse('2026-11-24T16:00:00Z'));
  });

  const cases: { name: string; event: KpiEvent; cell?: string; inc?: Counts }[] = [
    {
      name: 'a conversation the bot opened',
      event: ev('opened', { startedWith: 'bot' }),
      cell: '2026-11-25|wk1|||',
      inc: { conversations: 1, botConversations: 1 },
    },
    { name: 'one a servicer had first', event: ev('opened', { startedWith: 'agent' }), inc: { conversations: 1 } },
    {
      name: 'an answer, in its entry and skill',
      event: ev('bot_answer', { kbEntryId: 'tracking', confidence: 0.8 }, { skill: 'logistics' }),
      cell: '2026-11-25|wk1||logistics|tracking',
      inc: { answers: 1 },
    },
    { name: 'an answer turned down', event: ev('answer_rejected', { kbEntryId: 'tracking' }), inc: { rejected: 1 } },
    {
      name: 'a handoff after an answer, by reason and intent',
      event: ev('handoff', { reason: 'answer_rejected', intent: 'tracking', afterAnswer: true }),
      cell: '2026-11-25|wk1|||tracking',
      inc: { handoffs: 1, handoff_answer_rejected: 1, handoffsAfterAnswer: 1 },
    },
    {
      name: 'an assignment: the queue wait, in the agent’s cell',
      event: ev('assigned', { agentId: 'lisi', waitSeconds: 12 }),
      cell: '2026-11-25|wk1|lisi||',
      inc: { assignments: 1, queueWait_ms: 12_000 },
    },
    {
      name: 'the first person reply, from assignment and from the handoff',
      event: ev('first_response', { agentId: 'lisi', seconds: 5, sinceHandoffSeconds: 17 }),
      inc: { agentFrt_n: 1, agentFrt_ms: 5000, frtHuman_n: 1, frtHuman_ms: 17_000 },
    },
    { name: 'a reminder is not another breach', event: ev('sla_breach', { kind: 'queue_wait', repeat: true }) },
    {
      name: 'a first breach',
      event: ev('sla_breach', { kind: 'queue_wait', repeat: false }),
      inc: { slaBreach_queue_wait: 1 },
    },
    {
      name: 'an overdue ticket',
      event: ev('sla_breach', { kind: 'ticket_due', repeat: false }),
      inc: { slaBreach_ticket_due: 1, ticketsOverdue: 1 },
    },
    {
      name: 'confirmed containment',
      event: ev('closed', { reason: 'resolved_by_bot', answered: true, topic: 'shipping-fee' }),
      cell: '2026-11-25|wk1|||shipping-fee',
      inc: { closed: 1, closedBotOnly: 1, botConfirmed: 1, fcrEligible: 1 },
    },
    {
      name: 'assumed containment candidate',
      event: ev('closed', { reason: 'resolved_silently', answered: true }),
      inc: { closed: 1, closedBotOnly: 1, botAssumedCandidates: 1, fcrEligible: 1 },
    },
    {
      name: 'silence without an answer is no containment and no resolution',
      event: ev('closed', { reason: 'idle' }),
      inc: { closed: 1, closedBotOnly: 1 },
    },
    {
      name: 'an agent resolved it within SLA',
      event: ev('closed', {
        reason: 'resolved_by_agent',
        handoffReason: 'customer_request',
        servedBy: 'lisi',
        handlingSeconds: 90,
      }),
      cell: '2026-11-25|wk1|lisi||',
      inc: { closed: 1, closedHuman: 1, handling_ms: 90_000, fcrEligible: 1, slaEligible: 1, slaMet: 1 },
    },
    {
      name: 'left the queue before any breach: out of SLA attainment',
      event: ev('closed', { reason: 'idle', handoffReason: 'customer_request', abandoned: true }),
      inc: { closed: 1, abandoned: 1 },
    },
    {
      name: 'left the queue after a breach: a miss',
      event: ev('closed', { reason: 'idle', handoffReason: 'customer_request', abandoned: true, slaBreached: true }),
      inc: { closed: 1, abandoned: 1, slaEligible: 1 },
    },
    {
      name: 'a re-contact within 24 h takes assumed containment back, in the earlier close’s cell',
      event: ev('recontact', { previous: previous(), minutesSinceClose: 120 }),
      cell: '2026-11-25|wk1||logistics|shipping-fee',
      inc: { recontacts: 1, botAssumedRevoked: 1 },
    },
    {
      name: 'after 24 h it does not',
      event: ev('recontact', { previous: previous({ closedAt: AT - 30 * HOUR }), minutesSinceClose: 30 * 60 }),
      cell: '2026-11-24|wk1||logistics|shipping-fee',
      inc: { recontacts: 1 },
    },
    {
      name: 'the same topic within 7 days takes the first-contact resolution back',
      event: ev('recontact_same_topic', { previous: previous(), minutesSinceClose: 120, topic: 'shipping-fee' }),
      inc: { fcrRecontacted: 1 },
    },
    {
      name: 'an unresolved earlier session has no resolution to take back',
      event: ev('recontact_same_topic', { previous: previous({ closedReason: 'idle' }), minutesSinceClose: 120 }),
    },
    {
      name: 'CSAT of a conversation the bot served alone',
      event: ev('csat', { score: 'satisfied' }),
      inc: { csatBot_n: 1, csatBot_satisfied: 1, csat_satisfied: 1 },
    },
    {
      name: 'CSAT of an agent’s conversation, in their cell',
      event: ev('csat', { score: 'neutral', agentId: 'lisi' }),
      cell: '2026-11-25|wk1|lisi||',
      inc: { csatHuman_n: 1, csat_neutral: 1 },
    },
    {
      name: 'a ticket resolved after two days',
      event: ev('ticket_status', { status: 'resolved', openSeconds: 172_800 }),
      inc: { ticketsResolved: 1, ticketResolution_n: 1, ticketResolution_ms: 172_800_000 },
    },
    { name: 'a ticket in progress counts nothing', event: ev('ticket_status', { status: 'in_progress' }) },
    { name: 'other events count nothing', event: ev('reply_suppressed', { verdict: 'x' }) },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const counted = countEvent(c.event);
      if (!c.inc) return assert.equal(counted, undefined);
      assert.deepEqual(counted?.inc, c.inc);
      if (c.cell) assert.equal(Object.values(counted!.cell).join('|'), c.cell);
    });
  }

  it('an agent’s mark: wrong counts once, not again when the customer had already rejected it; changing it takes it back', () => {
    const answer = { at: AT, openKfId: 'wk1', skill: 'logistics', entryId: 'tracking' };
    assert.deepEqual(countMark(answer, undefined, { verdict: 'wrong', counted: true })?.inc, { markedWrong: 1 });
    assert.equal(countMark(answer, undefined, { verdict: 'wrong', counted: false })?.inc, undefined);
    assert.deepEqual(countMark(answer, { verdict: 'wrong', counted: true }, { verdict: 'right', counted: true })?.inc, {
      markedWrong: -1,
      markedRight: 1,
    });
    assert.equal(
      countMark(answer, { verdict: 'right', counted: true }, { verdict: 'right', counted: true }),
      undefined,
    );
  });

  it('summarises counters into the figures', () => {
    const rows = [
      ['2026-11-24|wk1|||', { conversations: 4, botConversations: 4 }],
      [
        '2026-11-24|wk1|||tracking',
        { answers: 4, rejected: 1, markedWrong: 1, handoffs: 1, handoff_answer_rejected: 1 },
      ],
      [
        '2026-11-24|wk1|||shipping-fee',
        { closed: 2, closedBotOnly: 2, botConfirmed: 1, botAssumedCandidates: 1, fcrEligible: 2, fcrRecontacted: 1 },
      ],
      [
        '2026-11-24|wk1|lisi||',
        {
          closed: 1,
          closedHuman: 1,
          handling_ms: 60_000,
          slaEligible: 1,
          slaMet: 0,
          slaBreach_queue_wait: 1,
          csatHuman_n: 2,
          csatHuman_satisfied: 1,
        },
      ],
      ['2026-11-25|wk1|||', { csatBot_n: 1, csatBot_satisfied: 1, frtBot_n: 2, frtBot_ms: 900 }],
    ].map(([id, counts]) => {
      const [day, openKfId, agentId, skill, entryId] = (id as string).split('|') as [
        string,
        string,
        string,
        string,
        string,
      ];
      return { cell: { day, openKfId, agentId, skill, entryId }, counts: counts as Counts };
    });
    const s = summarize(rows);
    assert.equal(s.conversations, 4);
    assert.equal(s.botResolvedConfirmed, 1);
    assert.equal(s.botResolvedAssumed, 1);
    assert.equal(s.containmentRate, 2 / 3);
    assert.equal(s.handoffsByReason.answer_rejected, 1);
    assert.equal(s.handoffsByReason.vip, 0, 'every reason is a key');
    assert.equal(s.transferRate, 1 / 4);
    assert.equal(s.misjudgementRate, 2 / 4);
    assert.equal(s.fcrRate, 1 / 2);
    assert.equal(s.slaAttainment, 0);
    assert.equal(s.csatBot, 1);
    assert.equal(s.csatHuman, 0.5);
    assert.equal(s.frtBotMs, 450);
    assert.equal(s.ahtMs, 60_000);
    assert.equal(s.frtHumanMs, null, 'nothing to average is null, not 0');
    assert.deepEqual(
      s.perAgent.map((a) => [a.agentId, a.conversations, a.csat, a.slaBreaches]),
      [['lisi', 1, 0.5, 1]],
    );
    assert.deepEqual(s.topMisjudgedEntries, [
      { entryId: 'tracking', answers: 4, rejected: 1, markedWrong: 1, misjudgements: 2, misjudgementRate: 0.5 },
    ]);
    assert.deepEqual(
      s.perDay.map((d) => d.day),
      ['2026-11-24', '2026-11-25'],
    );
  });
});

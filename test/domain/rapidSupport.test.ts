// The rapid-support group's rules as tables: which open conversations it should hear of, and when a
// request for help is over because its conversation has moved on from the agent who asked.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CONSULT_SETTLING_MS,
  consultOver,
  groupNotices,
  isMember,
  URGENT_PRIORITY,
  type WatchedConversation,
} from '../../domain/rapidSupport';

const row = (fields: Partial<WatchedConversation>): WatchedConversation => ({
  conversationId: 'c',
  state: 'queued',
  priority: 1,
  ...fields,
});

describe('what the group hears of', () => {
  it('urgent handoffs, breaches and escalations; nothing else', () => {
    const cases: [string, Partial<WatchedConversation>, string[], string[]][] = [
      ['a high risk in the queue', { handoffReason: 'high_risk', priority: 4 }, ['high_risk'], []],
      ['a high risk with an agent', { state: 'human', handoffReason: 'high_risk', priority: 4 }, ['high_risk'], []],
      ['ranked urgent (a VIP)', { handoffReason: 'vip', priority: URGENT_PRIORITY }, ['urgent'], []],
      ['an ordinary handoff', { handoffReason: 'customer_request' }, [], []],
      ['the queue wait broke', { breaches: { queueWaitSla: 2 } }, ['sla_breach'], ['queueWaitSla']],
      ['a breach since reset', { breaches: { firstResponseSla: 0 } }, [], []],
      ['escalated', { state: 'human', escalated: true }, ['escalated'], []],
      ['a ticket past due', { state: 'ticket', breaches: { ticketSla: 1 } }, ['sla_breach'], ['ticketSla']],
      ['a ticket from a risk: no longer waiting', { state: 'ticket', handoffReason: 'high_risk', priority: 4 }, [], []],
      [
        'a risk that also waited too long',
        { handoffReason: 'high_risk', priority: 4, breaches: { queueWaitSla: 1 } },
        ['high_risk', 'sla_breach'],
        ['queueWaitSla'],
      ],
    ];
    for (const [name, fields, kinds, breached] of cases) {
      const [notice] = groupNotices([row(fields)]);
      assert.deepEqual(notice ? [notice.kinds, notice.breached] : [[], []], [kinds, breached], name);
    }
  });

  it('members are the agents with the group', () => {
    assert.equal(isMember({ groups: ['rapid-support'] }), true);
    assert.equal(isMember({ groups: [] }), false);
    assert.equal(isMember(null), false);
  });
});

describe('when a request for help is over', () => {
  const asked = { requestedBy: 'zhangsan', helpers: ['zhaoliu'], at: 0 };
  const later = CONSULT_SETTLING_MS + 1;
  it('by where the conversation is now', () => {
    const cases: [string, WatchedConversation | undefined, string | undefined][] = [
      ['still with the agent', row({ state: 'human', agentId: 'zhangsan' }), undefined],
      ['a helper took it', row({ state: 'human', agentId: 'zhaoliu' }), 'taken_over'],
      ['someone else has it', row({ state: 'human', agentId: 'lisi' }), 'transferred'],
      ['back in the queue', row({ state: 'queued' }), 'requeued'],
      ['a ticket now', row({ state: 'ticket' }), 'ticket'],
      ['with the bot', row({ state: 'bot' }), 'returned_to_bot'],
      ['no longer open work', undefined, 'ended'],
    ];
    for (const [name, where, outcome] of cases) assert.equal(consultOver(asked, where, later), outcome, name);
  });

  it('never while it is new (visibility may lag behind)', () => {
    assert.equal(consultOver(asked, undefined, CONSULT_SETTLING_MS - 1), undefined);
  });
});

// What the workspace's lists show (api/workspace/rows.ts), as tables: how long a customer has
// waited for a person, and which lists each user gets in which order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conversationRow, listsFor, waitingSince, type ConversationRow } from '../../api/workspace/rows';
import type { ConversationSnapshot, TranscriptEntry } from '../../workflows/conversationContract';
import { principal } from '../support/users';

const line = (from: TranscriptEntry['from'], at: number): TranscriptEntry => ({
  msgid: `m${at}`,
  at,
  from,
  text: `${from} ${at}`,
});

function snapshot(over: Partial<ConversationSnapshot>): ConversationSnapshot {
  return {
    conversationId: 'conv:wk:wm:1',
    openKfId: 'wk',
    externalUserId: 'wm',
    state: 'human',
    humanMode: 'console',
    transcriptTail: [],
    timersDue: {},
    ...over,
  };
}

describe('how long the customer has waited for a person', () => {
  const handoff = { at: 1000 } as ConversationSnapshot['handoff'];
  const cases: [string, Partial<ConversationSnapshot>, number | undefined][] = [
    ['queued: since it was queued', { state: 'queued', queuedAt: 500 }, 500],
    [
      'with an agent who has not spoken: since the handoff',
      { handoff, assignedAt: 2000, transcriptTail: [line('customer', 900), line('system', 1000)] },
      1000,
    ],
    [
      'the agent answered, then the customer wrote twice: since the first of those',
      {
        handoff,
        transcriptTail: [line('agent', 3000), line('customer', 4000), line('system', 4500), line('customer', 5000)],
      },
      4000,
    ],
    [
      'the agent spoke last: nobody is waiting',
      { handoff, transcriptTail: [line('customer', 4000), line('agent', 5000)] },
      undefined,
    ],
    ['with the bot: not waiting for a person', { state: 'bot', transcriptTail: [line('customer', 1)] }, undefined],
    ['a ticket: not waiting in a chat', { state: 'ticket', transcriptTail: [line('customer', 1)] }, undefined],
  ];
  for (const [name, over, expected] of cases) it(name, () => assert.equal(waitingSince(snapshot(over)), expected));
});

describe('a list row', () => {
  it('takes who and what from the snapshot, and the customer’s latest message times', () => {
    const tail = [line('customer', 10), line('bot', 20), line('customer', 30), line('agent', 40)];
    const row = conversationRow(
      { conversationId: 'c1', state: 'queued', startedAt: 1 },
      snapshot({
        state: 'human',
        agentId: 'zhangsan',
        transcriptTail: tail,
        handoff: { nickname: '小王', at: 5 } as never,
      }),
    );
    assert.equal(row.state, 'human', 'the workflow is newer than visibility');
    assert.equal(row.agentId, 'zhangsan');
    assert.equal(row.nickname, '小王');
    assert.deepEqual(row.customerAts, [10, 30]);
    assert.deepEqual(row.lastMessage, { from: 'agent', text: 'agent 40', at: 40 });
  });
});

describe('the lists a user gets', () => {
  const row = (conversationId: string, over: Partial<ConversationRow>): ConversationRow => ({
    conversationId,
    state: 'human',
    startedAt: 0,
    customerAts: [],
    timersDue: {},
    ...over,
  });
  const rows = [
    row('mine-late', { agentId: 'zhangsan', waitingSince: 300 }),
    row('mine-early', { agentId: 'zhangsan', waitingSince: 100 }),
    row('theirs', { agentId: 'lisi' }),
    row('queued-low-old', { state: 'queued', priority: 1, queuedAt: 10 }),
    row('queued-high-new', { state: 'queued', priority: 4, queuedAt: 50 }),
    row('queued-low-new', { state: 'queued', priority: 1, queuedAt: 20 }),
    row('ticket-mine', { state: 'ticket', ticketAssignee: 'zhangsan' }),
    row('ticket-theirs', { state: 'ticket', ticketAssignee: 'lisi' }),
    row('with-bot', { state: 'bot' }),
  ];
  const ids = (list?: ConversationRow[]) => list?.map((r) => r.conversationId);
  const agent = principal('zhangsan');

  it('an agent: their own (longest waiting first), the queue (priority, then longest waiting), their tickets', () => {
    const lists = listsFor(agent, rows);
    assert.deepEqual(ids(lists.mine), ['mine-early', 'mine-late']);
    assert.deepEqual(ids(lists.queue), ['queued-high-new', 'queued-low-old', 'queued-low-new']);
    assert.deepEqual(ids(lists.tickets), ['ticket-mine']);
    assert.equal(lists.others, undefined);
    assert.equal(lists.bot, undefined);
  });

  it('a supervisor: everything', () => {
    const lists = listsFor({ ...agent, userId: 'boss', role: 'supervisor', agentId: 'boss' }, rows);
    assert.deepEqual(ids(lists.mine), []);
    assert.deepEqual(ids(lists.others)?.sort(), ['mine-early', 'mine-late', 'theirs']);
    assert.deepEqual(ids(lists.tickets)?.sort(), ['ticket-mine', 'ticket-theirs']);
    assert.deepEqual(ids(lists.bot), ['with-bot']);
  });

  it('a user who serves no conversations: the queue only', () => {
    const lists = listsFor({ ...agent, agentId: undefined }, rows);
    assert.deepEqual(ids(lists.mine), []);
    assert.deepEqual(ids(lists.tickets), []);
    assert.equal(lists.queue.length, 3);
  });
});

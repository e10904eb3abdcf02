// What the customer heard of a ticket's status changes, on the ticket: each `ticket_status` event
// becomes one history entry, with why it could not be told taken from the event that stopped it,
// appended once however often the write is retried (on the real MongoDB-wire server); and which
// tickets an agent's list filters select.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventRecord } from '../../activities/outbound';
import { ticketNotices, writeTicketNotices } from '../../activities/ticketNotices';
import { mayHandleTicket, teamOf, ticketListFilter } from '../../api/ticketScope';
import { TicketModel } from '../../db/models/ticket';
import { connectTestMongo, dropTestMongo } from '../support/servers';
import { principal } from '../support/users';

let seq = 0;
const event = (type: string, data: Record<string, unknown>): EventRecord => ({
  eventId: `conv-1:${++seq}`,
  type,
  at: 1_800_000_000_000 + seq,
  data,
});
const told = (status: string, notified: boolean) =>
  event('ticket_status', { ticketNo: 'T20260101-0001', status, notified });

describe('ticket notices from the conversation’s events', () => {
  it('one entry per status event, with why it was not told from the event before it', () => {
    const cases: [string, EventRecord[], [string, string | undefined][]][] = [
      ['told', [told('in_progress', true)], [['customer_notified', undefined]]],
      [
        'the 48-hour window',
        [event('reply_suppressed', { verdict: 'window_expired', from: 'bot' }), told('resolved', false)],
        [['customer_not_notified', 'window_expired']],
      ],
      [
        'five replies',
        [event('reply_suppressed', { verdict: 'reply_limit', from: 'bot' }), told('open', false)],
        [['customer_not_notified', 'reply_limit']],
      ],
      [
        'a refusal',
        [event('send_refused', { errcode: 95018 }), told('open', false)],
        [['customer_not_notified', 'errcode_95018']],
      ],
      [
        'the cause belongs to its own change only',
        [event('reply_suppressed', { verdict: 'reply_limit' }), told('open', false), told('closed', false)],
        [
          ['customer_not_notified', 'reply_limit'],
          ['customer_not_notified', undefined],
        ],
      ],
      ['nothing else', [event('handoff', { reason: 'customer_request' })], []],
    ];
    for (const [name, events, expected] of cases) {
      assert.deepEqual(
        ticketNotices(events).map((n) => [n.entry.kind, n.entry.why]),
        expected,
        name,
      );
    }
  });

  describe('written to the ticket', () => {
    before(() => connectTestMongo('ticket-notices'));
    after(() => dropTestMongo());

    it('appends each outcome once, however often the write is retried', async () => {
      await TicketModel.create({
        ticketId: 't1',
        ticketNo: 'T20260101-0001',
        conversationId: 'conv-1',
        openKfId: 'wk',
        externalUserId: 'wm',
        title: '门锁',
        dueAt: new Date(),
        createdAt: new Date(),
        history: [{ at: new Date(), kind: 'created', status: 'open' }],
      });
      const events = [event('reply_suppressed', { verdict: 'reply_limit' }), told('in_progress', false)];
      await writeTicketNotices(events);
      await writeTicketNotices(events);
      await writeTicketNotices([...events, told('in_progress', true)]);
      const ticket = await TicketModel.findOne({ ticketNo: 'T20260101-0001' }).lean();
      assert.deepEqual(
        ticket!.history.map((h) => [h.kind, h.why ?? undefined]),
        [
          ['created', undefined],
          ['customer_not_notified', 'reply_limit'],
          ['customer_notified', undefined],
        ],
      );
    });
  });
});

describe('which tickets an agent sees', () => {
  const roster = [
    { agentId: 'zhangsan', skills: ['aftersales', 'logistics'] },
    { agentId: 'lisi', skills: ['billing'] },
    { agentId: 'wangwu', skills: ['tech', 'aftersales'] },
    { agentId: 'newcomer', skills: [] },
  ];
  const agent = principal('zhangsan');
  const supervisor = principal('boss', 'supervisor', undefined);
  const now = new Date(1_800_000_000_000);

  it('the team is whoever shares a skill', () => {
    assert.deepEqual(teamOf('zhangsan', roster), ['zhangsan', 'wangwu']);
    assert.deepEqual(teamOf('newcomer', roster), ['newcomer']);
    assert.deepEqual(teamOf(undefined, roster), []);
  });

  it('agents handle their team’s tickets and unassigned ones; supervisors every one', () => {
    const team = teamOf('zhangsan', roster);
    assert.deepEqual(
      [{ assignee: 'wangwu' }, { assignee: 'lisi' }, { assignee: null }].map((t) => mayHandleTicket(agent, t, team)),
      ['yes', 'not_team', 'yes'],
    );
    assert.equal(mayHandleTicket(supervisor, { assignee: 'lisi' }, []), 'yes');
  });

  it('filters: mine, team, overdue, status; all only for supervisors', () => {
    const team = ['zhangsan', 'wangwu'];
    assert.deepEqual(ticketListFilter(agent, { scope: 'mine' }, team, now), { filter: { assignee: 'zhangsan' } });
    assert.deepEqual(ticketListFilter(agent, { scope: 'team', overdue: true }, team, now), {
      filter: {
        $and: [
          { $or: [{ assignee: { $in: team } }, { assignee: { $exists: false } }, { assignee: null }] },
          { dueAt: { $lt: now }, status: { $in: ['open', 'in_progress'] } },
        ],
      },
    });
    assert.deepEqual(ticketListFilter(supervisor, { scope: 'team', status: 'open' }, [], now), {
      filter: { status: 'open' },
    });
    assert.ok('refused' in ticketListFilter(agent, { scope: 'all' }, team, now));
    assert.ok('refused' in ticketListFilter(agent, { scope: 'team', assignee: 'lisi' }, team, now));
  });
});

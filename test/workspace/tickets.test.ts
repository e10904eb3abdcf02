// Tickets as the people who follow them up handle them, through the api on the real stack: the list
// and its filters (mine, the team's, overdue, status) with who may see what; status changes told to
// the customer while WeCom allows it, and the ticket saying when it could not (five replies used,
// the conversation ended) and when it was told later; assignee, priority and due time changed, the
// conversation's overdue clock following; notes the customer never receives.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { maybeRecordHistory } from '../support/histories';
import { startStack, type Stack } from '../support/stack';
import { ticketOf as makeTicket, type MadeTicket } from '../support/tickets';

interface HistoryEntry {
  kind: string;
  status?: string;
  note?: string;
  by?: string;
  from?: string;
  to?: string;
  why?: string;
}
interface TicketView {
  ticketNo: string;
  conversationId: string;
  status: string;
  priority: string;
  assignee?: string;
  dueAt: string;
  overdue: boolean;
  nickname?: string;
  history: HistoryEntry[];
  conversationNotified?: boolean;
}

const SUPERVISOR = { userId: 'supervisor01', role: 'supervisor' } as const;
const conversationPath = (id: string, rest: string) => `/api/conversations/${encodeURIComponent(id)}${rest}`;

describe('tickets in the workspace api', () => {
  let stack: Stack;
  const tickets: Record<string, MadeTicket> = {};

  const ticketOf = (agentId: string, customer: string, title: string, dueInMs?: number) =>
    makeTicket(stack, agentId, customer, title, { dueInMs });
  const read = (ticketNo: string, as: string | typeof SUPERVISOR = SUPERVISOR) =>
    stack.as(as).api<TicketView>('GET', `/api/tickets/${ticketNo}`);
  const list = (as: string | typeof SUPERVISOR, query: string) =>
    stack.as(as).api<TicketView[]>('GET', `/api/tickets?${query}`);
  const numbers = (views: TicketView[]) => views.map((t) => t.ticketNo).sort();
  const historyUntil = async (ticketNo: string, ok: (history: HistoryEntry[]) => boolean, what: string) =>
    (
      await stack.until(
        what,
        () => read(ticketNo),
        (r) => ok(r.body.history),
      )
    ).body.history;

  before(async () => {
    stack = await startStack({
      settings: { firstResponseSlaMs: 600_000, humanIdleNudgeMs: 600_000, humanIdleCloseMs: 600_000 },
    });
    // zhangsan and wangwu share aftersales (and zhaoliu every skill); lisi serves other skills.
    tickets.mine = await ticketOf('zhangsan', 'wmTk1', '门锁指纹模块故障');
    tickets.overdue = await ticketOf('zhangsan', 'wmTk2', '订单一直没发货', 3000);
    tickets.team = await ticketOf('wangwu', 'wmTk3', '门铃不响');
    tickets.other = await ticketOf('lisi', 'wmTk4', '发票重开');
  });
  after(() => stack?.close());

  it('lists mine, the team’s and the overdue ones; an agent sees no other team’s ticket', async () => {
    await stack.until(
      'the short ticket overdue',
      () => read(tickets.overdue!.ticketNo),
      (r) => r.body.overdue,
      10_000,
    );
    const mine = await list('zhangsan', 'scope=mine');
    assert.deepEqual(numbers(mine.body), [tickets.mine!.ticketNo, tickets.overdue!.ticketNo].sort());
    assert.equal(mine.body[0]!.ticketNo, tickets.overdue!.ticketNo, 'soonest due first');
    assert.equal(mine.body[0]!.nickname, `客户${'wmTk2'.slice(-4)}`);
    assert.deepEqual(numbers((await list('zhangsan', '')).body), numbers(mine.body), 'an agent’s list is theirs');

    const team = await list('zhangsan', 'scope=team');
    assert.deepEqual(
      numbers(team.body),
      [tickets.mine!.ticketNo, tickets.overdue!.ticketNo, tickets.team!.ticketNo].sort(),
      'the team is who shares a skill: not lisi',
    );
    const overdue = await list('zhangsan', 'scope=team&overdue=true');
    assert.deepEqual(numbers(overdue.body), [tickets.overdue!.ticketNo]);
    assert.deepEqual(numbers((await list('zhangsan', 'scope=team&status=in_progress')).body), []);

    assert.equal((await list('zhangsan', 'scope=all')).status, 403);
    assert.equal((await list('zhangsan', 'assignee=lisi')).status, 403);
    assert.equal((await read(tickets.other!.ticketNo, 'zhangsan')).status, 403);
    assert.equal((await read(tickets.team!.ticketNo, 'zhangsan')).status, 200, 'a teammate’s ticket is readable');
    const refused = await stack
      .as('zhangsan')
      .api('POST', `/api/tickets/${tickets.other!.ticketNo}/notes`, { text: '我来看看' });
    assert.equal(refused.status, 403);

    const all = await list(SUPERVISOR, '');
    assert.ok(numbers(all.body).length >= 4);
    assert.deepEqual(numbers((await list(SUPERVISOR, 'overdue=true')).body), [tickets.overdue!.ticketNo]);
  });

  it('a status change is told to the customer until WeCom’s five replies are used, then when they write', async () => {
    const { ticketNo, customer } = tickets.mine!;
    const agent = stack.as('zhangsan');
    let status = 'open';
    let refusedAt: string | undefined;
    // Each change is one more reply to the customer's one message: WeCom allows five.
    for (let change = 0; change < 6 && !refusedAt; change++) {
      status = status === 'open' ? 'in_progress' : 'open';
      const note = `进度 ${change + 1}`;
      const moved = await agent.api<TicketView>('POST', `/api/tickets/${ticketNo}/status`, { status, note });
      assert.equal(moved.status, 200, JSON.stringify(moved.body));
      assert.equal(moved.body.conversationNotified, true, 'handed to the conversation');
      const history = await historyUntil(
        ticketNo,
        (h) => h.filter((e) => e.kind.startsWith('customer_')).length === change + 1,
        `the outcome of change ${change + 1}`,
      );
      const outcome = history.at(-1)!;
      assert.equal(outcome.status, status);
      if (outcome.kind === 'customer_not_notified') {
        refusedAt = note;
        assert.equal(outcome.why, 'reply_limit');
      } else {
        await stack.until(
          `「${note}」 at the customer`,
          () => stack.received(customer),
          (m) => m.some((x) => x.includes(note)),
        );
      }
    }
    assert.ok(refusedAt, 'WeCom’s reply limit was reached');
    assert.ok(!(await stack.received(customer)).some((m) => m.includes(refusedAt!)), 'not sent past the limit');
    const entries = (await read(ticketNo)).body.history;
    assert.deepEqual(
      entries.filter((e) => e.kind === 'status').map((e) => [e.status, e.by]),
      entries.filter((e) => e.kind === 'status').map((e) => [e.status, 'zhangsan']),
      'each change is the caller’s',
    );

    // The customer writes again: what they could not be told reaches them now, and the ticket says so.
    await stack.say(customer, '请问进展如何？');
    await stack.until(
      'the untold change at the customer',
      () => stack.received(customer),
      (m) => m.some((x) => x.includes(refusedAt!)),
    );
    const later = await historyUntil(
      ticketNo,
      (h) => h.at(-1)?.kind === 'customer_notified',
      'the late notice on the ticket',
    );
    assert.equal(later.at(-1)!.status, status);
  });

  it('reassigned, reprioritised and due later: history, lists and the conversation’s clock follow', async () => {
    const { ticketNo, conversationId } = tickets.team!;
    const before = (await read(ticketNo)).body;
    const due = new Date(Date.now() + 5 * 86_400_000);
    due.setMilliseconds(0);
    const changed = await stack.as('wangwu').api<TicketView>('PATCH', `/api/tickets/${ticketNo}`, {
      assignee: 'zhaoliu',
      priority: 'urgent',
      dueAt: due.toISOString(),
      reason: '需要资深客服上门',
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.deepEqual(
      [changed.body.assignee, changed.body.priority, changed.body.dueAt],
      ['zhaoliu', 'urgent', due.toISOString()],
    );
    assert.deepEqual(
      changed.body.history.slice(-3).map((e) => [e.kind, e.from, e.to, e.by, e.note]),
      [
        ['assignee', 'wangwu', 'zhaoliu', 'wangwu', '需要资深客服上门'],
        ['priority', 'normal', 'urgent', 'wangwu', '需要资深客服上门'],
        ['due', before.dueAt, due.toISOString(), 'wangwu', '需要资深客服上门'],
      ],
    );
    await stack.until(
      'the conversation’s due clock',
      () => stack.snapshot(conversationId),
      (s) => s.timersDue.ticketSla === due.getTime(),
    );
    // The revision's path replays (test/conversation/replay.test.ts).
    await maybeRecordHistory(stack.client, conversationId, 'console-ticket-revised');
    assert.ok(numbers((await list('zhaoliu', 'scope=mine')).body).includes(ticketNo));
    assert.ok(!numbers((await list('wangwu', 'scope=mine')).body).includes(ticketNo));

    const unchanged = await stack
      .as('zhaoliu')
      .api<TicketView>('PATCH', `/api/tickets/${ticketNo}`, { priority: 'urgent' });
    assert.equal(unchanged.body.history.length, changed.body.history.length, 'nothing changed, nothing recorded');
    for (const body of [
      { dueAt: new Date(Date.now() - 60_000).toISOString() },
      { dueAt: new Date(Date.now() + 100 * 86_400_000).toISOString() },
      { assignee: 'nobody' },
      {},
      { priority: 'urgent', agentId: 'zhaoliu' },
    ]) {
      const bad = await stack.as('zhaoliu').api('PATCH', `/api/tickets/${ticketNo}`, body);
      assert.equal(bad.status, 400, JSON.stringify(body));
    }
  });

  it('a note stays with the ticket; after the conversation ends a status change says it was not told', async () => {
    const { ticketNo, conversationId, customer } = tickets.overdue!;
    const noted = await stack.as('zhangsan').api<TicketView>('POST', `/api/tickets/${ticketNo}/notes`, {
      text: '客户说周末在家，可以上门',
    });
    assert.equal(noted.status, 201);
    assert.deepEqual(
      [noted.body.history.at(-1)!.kind, noted.body.history.at(-1)!.note, noted.body.history.at(-1)!.by],
      ['note', '客户说周末在家，可以上门', 'zhangsan'],
    );

    const resolved = await stack.as(SUPERVISOR).api('POST', conversationPath(conversationId, '/resolve'), {
      reason: '客户已在电话中确认',
    });
    assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
    const moved = await stack.as('zhangsan').api<TicketView>('POST', `/api/tickets/${ticketNo}/status`, {
      status: 'in_progress',
      note: '师傅周六上门',
    });
    assert.equal(moved.body.conversationNotified, false);
    assert.deepEqual(
      moved.body.history.slice(-2).map((e) => [e.kind, e.status, e.why]),
      [
        ['status', 'in_progress', undefined],
        ['customer_not_notified', 'in_progress', 'conversation_ended'],
      ],
    );
    const again = await stack.as('zhangsan').api('POST', `/api/tickets/${ticketNo}/status`, { status: 'in_progress' });
    assert.equal(again.status, 409, 'the same status again is refused');
    const received = await stack.received(customer);
    assert.ok(!received.some((m) => m.includes('周末在家') || m.includes('师傅周六上门')));
  });
});

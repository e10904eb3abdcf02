// The ticket phase end to end, and run-time knowledge-base editing, through the api: an agent turns
// a conversation into a ticket, the ticket's status changes reach the customer, and resolving the
// ticket closes the conversation with the survey. An operator adds a KB entry over HTTP and the
// engine rebuilt from MongoDB answers from it.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BotEngine } from '../../bot/engine';
import { loadKnowledgeBaseFile } from '../../bot/kb';
import { loadKnowledgeBaseFromMongo, seedKnowledgeBase } from '../../bot/kbStore';
import { maybeRecordHistory } from '../support/histories';
import { startStack, type Stack } from '../support/stack';

describe('tickets and the knowledge base over the api', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack?.close());

  it('a ticket follows the problem up: status changes reach the customer, resolving closes the loop', async () => {
    const customer = 'wmTicket1';
    await stack.say(customer, '转人工，门锁指纹模块坏了');
    const { conversationId, snapshot } = await stack.withAgent(customer);
    const agent = stack.as(snapshot.agentId!);
    const ticket = await agent.api<{ ticketNo: string }>(
      'POST',
      `/api/conversations/${encodeURIComponent(conversationId)}/ticket`,
      { title: '门锁指纹模块故障', priority: 'high' },
    );
    assert.equal(ticket.status, 200, JSON.stringify(ticket.body));
    const { ticketNo } = ticket.body;
    assert.match(ticketNo, /^T\d{8}-\d{4}$/);
    await stack.until(
      'the ticket number at the customer',
      () => stack.received(customer),
      (m) => m.some((x) => x.includes(ticketNo)),
    );
    assert.equal((await stack.snapshot(conversationId)).state, 'ticket');

    const listed = await stack.api<{ ticketNo: string; status: string }[]>(
      'GET',
      `/api/tickets?conversationId=${encodeURIComponent(conversationId)}`,
    );
    assert.deepEqual(
      listed.body.map((t) => [t.ticketNo, t.status]),
      [[ticketNo, 'open']],
    );

    const progress = await agent.api<{ status: string; conversationNotified: boolean }>(
      'POST',
      `/api/tickets/${ticketNo}/status`,
      { status: 'in_progress', note: '已安排师傅上门' },
    );
    assert.deepEqual([progress.body.status, progress.body.conversationNotified], ['in_progress', true]);
    await stack.until(
      'the progress at the customer',
      () => stack.received(customer),
      (m) => m.some((x) => x.includes('处理中') && x.includes('已安排师傅上门')),
    );

    await stack.api('POST', `/api/tickets/${ticketNo}/status`, { status: 'resolved', note: '已更换指纹模块' });
    const closed = await stack.until(
      'the conversation closed by the ticket',
      () => stack.snapshot(conversationId),
      (s) => s.state === 'closed',
    );
    assert.equal(closed.closedReason, 'ticket_closed');
    // Handoff, assigned, ticket, progress, resolved: WeCom's 5 replies for the customer's one
    // message are used up, so the survey rides on the msg_code of the session's end.
    const survey = await stack.until(
      'the survey',
      () => stack.sandbox.inbox(customer),
      (m) => m.some((x) => x.content.includes('评价')),
    );
    assert.equal(survey.find((x) => x.content.includes('评价'))?.via, 'send_msg_on_event');
    const stored = await stack.api<{ history: { kind: string; status: string; by?: string }[] }>(
      'GET',
      `/api/tickets/${ticketNo}`,
    );
    const changes = stored.body.history.filter((h) => h.kind === 'created' || h.kind === 'status');
    assert.deepEqual(
      changes.map((h) => h.status),
      ['open', 'in_progress', 'resolved'],
    );
    assert.equal(changes[1]!.by, snapshot.agentId, 'the change is recorded as the caller’s');

    await maybeRecordHistory(stack.client, conversationId, 'console-ticket');

    const bad = await stack.api<{ error: string }>('POST', `/api/tickets/${ticketNo}/status`, { status: 'done' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /status/);
    assert.equal((await stack.api('GET', '/api/tickets/T00000000-0000')).status, 404);
  });

  it('a customer writing during the ticket hears it is in hand; the survey then goes as a menu', async () => {
    const customer = 'wmTicket2';
    await stack.say(customer, '转人工');
    const { conversationId, snapshot } = await stack.withAgent(customer);
    const ticket = await stack
      .as(snapshot.agentId!)
      .api<{ ticketNo: string }>('POST', `/api/conversations/${encodeURIComponent(conversationId)}/ticket`, {
        title: '发票重开',
      });
    await stack.say(customer, '好的，辛苦了');
    await stack.until(
      'the pending notice',
      () => stack.received(customer),
      (m) => m.some((x) => x.includes(`${ticket.body.ticketNo} 正在处理中`)),
    );
    await stack.api('POST', `/api/tickets/${ticket.body.ticketNo}/status`, { status: 'closed' });
    const survey = await stack.until(
      'the survey',
      () => stack.sandbox.inbox(customer),
      (m) => m.some((x) => x.content.includes('评价')),
    );
    assert.equal(survey.find((x) => x.content.includes('评价'))?.via, 'send_msg');
  });

  it('an operator adds, edits and disables KB entries at run time', async () => {
    const file = loadKnowledgeBaseFile(path.resolve(__dirname, '..', '..', 'kb', 'demo-faq.json'));
    await seedKnowledgeBase(file); // what the worker does at start
    const entry = {
      skill: 'presales',
      question: '可以提供礼品包装吗？',
      similar: ['能包装成礼物吗', '送人的话有礼盒吗'],
      answer: '下单时勾选“礼品包装”即可，免费提供礼盒和贺卡。',
    };
    const put = await stack.api<{ entryId: string; version: number; enabled: boolean }>(
      'PUT',
      '/api/kb/entries/gift-wrap',
      entry,
    );
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.deepEqual([put.body.entryId, put.body.enabled], ['gift-wrap', true]);
    const engine = BotEngine.fromKnowledgeBase(await loadKnowledgeBaseFromMongo(file));
    assert.equal(engine.understand('这个能包装成礼物送人吗').entryId, 'gift-wrap');

    const edited = await stack.api<{ version: number; answer: string }>('PUT', '/api/kb/entries/gift-wrap', {
      ...entry,
      answer: '礼品包装每单加收5元。',
    });
    assert.equal(edited.body.version, put.body.version + 1);
    assert.equal(edited.body.answer, '礼品包装每单加收5元。');

    await stack.api('DELETE', '/api/kb/entries/gift-wrap');
    const without = BotEngine.fromKnowledgeBase(await loadKnowledgeBaseFromMongo(file));
    assert.notEqual(without.understand('这个能包装成礼物送人吗').entryId, 'gift-wrap');

    const invalid = await stack.api<{ error: string }>('PUT', '/api/kb/entries/bad id', { skill: 'x' });
    assert.equal(invalid.status, 400);
    const missing = await stack.api<{ error: string }>('PUT', '/api/kb/entries/no-answer', { ...entry, answer: '' });
    assert.equal(missing.status, 400);
    assert.match(missing.body.error, /answer/);
  });
});

// Every durable timer path with second-scale settings: confirmation timeout, queue-wait SLA,
// first-response SLA with reassignment, bot idle close. And CsState="queued" in visibility lists
// exactly the waiting conversations.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AgentModel } from '../../db/models/agent';
import { heldConversations } from '../../db/models/agentSlot';
import { AlertModel } from '../../db/models/alert';
import { ConversationModel } from '../../db/models/conversation';
import { EventModel } from '../../db/models/event';
import { startStack, type Stack } from '../support/stack';

describe('conversation timers', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ settings: { botIdleCloseMs: 3000, confirmationTimeoutMs: 2500 } });
  });
  after(() => stack?.close());

  const events = (conversationId: string) => EventModel.find({ conversationId }).lean();

  it('no answer to "did that help?" counts as resolved silently, then the survey', async () => {
    const customer = 'wmTimerConfirm';
    await stack.say(customer, '保修期多久');
    const conversationId = await stack.conversationOf(customer);
    const closed = await stack.until(
      'close',
      () => ConversationModel.findOne({ conversationId }).lean(),
      (d) => d?.state === 'closed',
    );
    assert.equal(closed?.closedReason, 'resolved_silently');
    assert.ok(
      (await events(conversationId)).some(
        (e) => e.type === 'bot_resolved' && (e.data as { silently?: boolean }).silently,
      ),
    );
    // The mirror says closed just before the survey goes out.
    await stack.until(
      'the survey',
      () => stack.received(customer),
      (m) => m.some((x) => x.includes('评价')),
    );
  });

  it('an idle bot conversation closes without a survey', async () => {
    const customer = 'wmTimerIdle';
    await stack.say(customer, '你好');
    const conversationId = await stack.conversationOf(customer);
    const closed = await stack.until(
      'idle close',
      () => ConversationModel.findOne({ conversationId }).lean(),
      (d) => d?.state === 'closed',
    );
    assert.equal(closed?.closedReason, 'idle');
    await stack.until(
      'the first session to finish',
      () => stack.client.workflow.getHandle(conversationId).describe(),
      (d) => d.status.name === 'COMPLETED',
    );
    assert.ok(!(await stack.received(customer)).some((m) => m.includes('评价')), 'no survey after an idle close');

    // The customer comes back: a new session, with a new workflow id.
    await stack.say(customer, '运费怎么算');
    const next = await stack.until(
      'a second session',
      () => stack.conversationOf(customer),
      (id) => id !== conversationId,
    );
    assert.equal(next, conversationId.replace(/:1$/, ':2'));
    await stack.until(
      'its answer',
      () => stack.received(customer),
      (m) => m.some((x) => x.includes('99元')),
    );
  });

  it('queue-wait SLA: alert, the customer told, and CsState="queued" lists exactly the waiting ones', async () => {
    await AgentModel.updateMany({}, { $set: { status: 'offline' } });
    const waiting = ['wmQueued1', 'wmQueued2'];
    for (const customer of waiting) await stack.say(customer, '转人工');
    const ids = await Promise.all(waiting.map((c) => stack.conversationOf(c)));
    for (const id of ids)
      await stack.until(
        'queued',
        () => stack.snapshot(id),
        (s) => s.state === 'queued',
      );

    const listed = await stack.until(
      'visibility',
      async () => {
        const found: string[] = [];
        for await (const wf of stack.client.workflow.list({
          query: `CsState = "queued" AND CsOpenKfId = "${stack.openKfId}"`,
        }))
          found.push(wf.workflowId);
        return found.sort();
      },
      (found) => found.length === ids.length,
    );
    assert.deepEqual(listed, [...ids].sort());
    // …and Prometheus sees the same queue on the api's /metrics.
    await stack.until(
      'the queue on /metrics',
      async () =>
        (await fetch(`${stack.apiUrl}/metrics`, { headers: { authorization: `Bearer ${stack.adminToken}` } })).text(),
      (metrics) => /^cs_conversations\{state="queued"\} 2$/m.test(metrics),
    );

    const alert = await stack.until(
      'alert',
      () => AlertModel.findOne({ conversationId: ids[0], kind: 'queue_wait' }).lean(),
      (a) => a !== null,
    );
    assert.match(alert!.message, /等待人工/);
    // Nobody online: the customer hears the truth and is offered to leave a message, never "many customers".
    const told = await stack.until(
      'the customer told nobody is online',
      () => stack.received(waiting[0]!),
      (m) => m.some((x) => x.includes('没有可以为您服务的人工客服在线') && x.includes('留言')),
    );
    assert.ok(!told.some((x) => x.includes('耐心等待')), told.join(' | '));
    await stack.until(
      'the breach recorded',
      () => events(ids[0]!),
      (all) => all.some((e) => e.type === 'sla_breach' && (e.data as { kind?: string }).kind === 'queue_wait'),
    );

    // An agent comes online (as the workspace says it, which tells the queue): both leave the queue,
    // and the list follows.
    const online = await stack.as('zhaoliu').api('POST', '/api/agents/zhaoliu/status', { status: 'online' });
    assert.equal(online.status, 200);
    for (const id of ids)
      await stack.until(
        'assigned',
        () => stack.snapshot(id),
        (s) => s.state === 'human',
      );
    await stack.until(
      'empty queue',
      async () => {
        let n = 0;
        for await (const _ of stack.client.workflow.list({
          query: `CsState = "queued" AND CsOpenKfId = "${stack.openKfId}"`,
        }))
          n++;
        return n;
      },
      (n) => n === 0,
    );
  });

  it('first-response SLA: alert and the conversation goes to another agent', async () => {
    await AgentModel.updateMany({}, { $set: { status: 'online' } });
    const customer = 'wmSilentAgent';
    await stack.say(customer, '我要人工客服');
    const { conversationId, snapshot: assigned } = await stack.withAgent(customer);
    const firstAgent = assigned.agentId!;
    const reassigned = await stack.until(
      'another agent',
      () => stack.snapshot(conversationId),
      (s) => s.state === 'human' && s.agentId !== undefined && s.agentId !== firstAgent,
      20_000,
    );
    assert.notEqual(reassigned.agentId, firstAgent);
    const alert = await AlertModel.findOne({ conversationId, kind: 'first_response' }).lean();
    assert.ok(alert, 'first-response alert');
    const held = await heldConversations([firstAgent]);
    assert.ok(!held.get(firstAgent)!.includes(conversationId), 'the silent agent released the slot');
  });
});

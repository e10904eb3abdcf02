// Actions that cannot be done are refused at the api with the workflow's reason, and leave nothing
// looping behind; agents' capacity does not leak when a conversation ends abnormally.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRoutingActivities } from '../../activities/routing';
import { AgentModel } from '../../db/models/agent';
import { AgentSlotModel } from '../../db/models/agentSlot';
import { EventModel } from '../../db/models/event';
import { startStack, type Stack } from '../support/stack';

const path = (conversationId: string, action: string) =>
  `/api/conversations/${encodeURIComponent(conversationId)}/${action}`;

describe('refused actions and reclaimed capacity', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ settings: { routingRetryMs: 300, queueWaitSlaMs: 60_000 } });
  });
  after(() => stack?.close());

  const historyLength = async (conversationId: string) =>
    (await stack.client.workflow.getHandle(conversationId).fetchHistory()).events?.length ?? 0;

  it('a take-over by an agent who is offline is a 409 with the reason; the queue goes on with a few events per routing interval', async () => {
    await AgentModel.updateMany({}, { $set: { status: 'offline' } });
    try {
      await stack.say('wmRefused1', '转人工');
      const conversationId = await stack.conversationOf('wmRefused1');
      await stack.until(
        'queued',
        () => stack.snapshot(conversationId),
        (s) => s.state === 'queued',
      );
      const refused = await stack
        .as('wangwu')
        .api<{ error: string; details: { reason: string } }>('POST', path(conversationId, 'take-over'), {});
      assert.equal(refused.status, 409, JSON.stringify(refused.body));
      assert.equal(refused.body.details.reason, 'agent_unavailable');
      assert.match(refused.body.error, /offline/);

      const before = await historyLength(conversationId);
      const started = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 4000));
      const perInterval = (await historyLength(conversationId)) - before;
      const intervals = (Date.now() - started) / 300;
      // Nobody online: routing backs off, so well under one routing round (~8 events) per interval.
      assert.ok(perInterval / intervals < 8, `${perInterval} events in ${intervals.toFixed(0)} routing intervals`);
      assert.equal((await stack.snapshot(conversationId)).state, 'queued');
    } finally {
      await AgentModel.updateMany({}, { $set: { status: 'online' } });
    }
  });

  it('a transfer to an agent who does not exist is a 400, to one who is offline a 409; the conversation stays', async () => {
    await stack.say('wmRefused2', '转人工');
    const { conversationId, snapshot } = await stack.withAgent('wmRefused2');
    const holder = stack.as(snapshot.agentId!);
    const unknown = await holder.api<{ details: { reason: string } }>('POST', path(conversationId, 'transfer'), {
      toAgentId: 'nobody',
    });
    assert.equal(unknown.status, 400, JSON.stringify(unknown.body));
    assert.equal(unknown.body.details.reason, 'unknown_agent');
    const offline = (await AgentModel.findOne({ agentId: { $ne: snapshot.agentId } }).lean())!.agentId;
    await AgentModel.updateOne({ agentId: offline }, { $set: { status: 'offline' } });
    try {
      const refused = await holder.api<{ details: { reason: string } }>('POST', path(conversationId, 'transfer'), {
        toAgentId: offline,
      });
      assert.equal(refused.status, 409, JSON.stringify(refused.body));
      assert.equal(refused.body.details.reason, 'agent_unavailable');
    } finally {
      await AgentModel.updateOne({ agentId: offline }, { $set: { status: 'online' } });
    }
    const after = await stack.snapshot(conversationId);
    assert.equal(after.agentId, snapshot.agentId, 'still with its agent');
    assert.equal((await AgentSlotModel.findOne({ conversationId }).lean())?.agentId, snapshot.agentId);
  });

  it("a conversation that ended abnormally gives its agent's slot back", async () => {
    await stack.say('wmOrphan', '转人工');
    const { conversationId, snapshot } = await stack.withAgent('wmOrphan');
    await stack.say('wmAlive', '转人工');
    const alive = await stack.withAgent('wmAlive');
    await stack.client.workflow.getHandle(conversationId).terminate('operator mistake');
    const reclaimed = await createRoutingActivities({ temporal: stack.client }).reclaimOrphanedSlots({ graceMs: 0 });
    assert.ok(reclaimed.reclaimed.includes(conversationId));
    assert.ok(!reclaimed.reclaimed.includes(alive.conversationId), 'a running conversation keeps its slot');
    assert.equal(await AgentSlotModel.countDocuments({ conversationId }), 0);
    assert.equal(await AgentSlotModel.countDocuments({ conversationId: alive.conversationId }), 1);
    const event = await EventModel.findOne({ conversationId, type: 'slot_reclaimed' }).lean();
    assert.equal(event?.agentId, snapshot.agentId);
  });
});

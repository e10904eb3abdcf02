// WeCom's limits inside the conversation: a burst of messages is one turn (one answer), and after
// the reply window nothing is sent — the agent is told, an event and an alert are recorded. And
// the dialogue policy a conversation started with stays its policy.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AlertModel } from '../../db/models/alert';
import { EventModel } from '../../db/models/event';
import { ConversationModel } from '../../db/models/conversation';
import { conversationSettings } from '../../domain/conversationSettings';
import { defaultPolicyConfig } from '../../domain/policy';
import { conversation, type ConversationInput } from '../../workflows/conversation';
import { conversationWorkflowId } from '../../workflows/conversationContract';
import { fastSettings, startStack, type Stack } from '../support/stack';

describe('conversation limits', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ settings: { burstWindowMs: 1200, replyWindowMs: 4000, firstResponseSlaMs: 30_000 } });
  });
  after(() => stack?.close());

  it('answers a burst of messages as one turn', async () => {
    const customer = 'wmBurst1';
    await stack.say(customer, '你好');
    await stack.say(customer, '请问');
    await stack.say(customer, '运费怎么算');
    const received = await stack.until(
      'the answer',
      () => stack.received(customer),
      (m) => m.length >= 2,
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const all = await stack.received(customer);
    assert.equal(all.length, 2, `one answer and one menu for the whole burst: ${JSON.stringify(all)}`);
    assert.match(received[0]!, /99元/);
  });

  it('after the reply window an agent reply is not sent; an event and an alert say so', async () => {
    const customer = 'wmWindow1';
    await stack.say(customer, '转人工');
    const { conversationId, snapshot } = await stack.withAgent(customer);
    // The agent's greeting is sent just after the conversation turns human: counted before the reply.
    const before = (
      await stack.until(
        'the agent notice',
        () => stack.received(customer),
        (m) => m.some((x) => /^客服 .+ 为您服务。$/.test(x)),
      )
    ).length;
    await new Promise((resolve) => setTimeout(resolve, 4500));
    const reply = await stack
      .as(snapshot.agentId!)
      .api<{ msgid: string; sent: boolean }>('POST', `/api/conversations/${encodeURIComponent(conversationId)}/reply`, {
        text: '抱歉久等了',
      });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.sent, false, 'nothing was sent');
    assert.equal((await stack.received(customer)).length, before);
    // Records are written with the workflow's next flush, moments after the update answers.
    const suppressed = await stack.until(
      'the suppressed reply recorded',
      () => EventModel.findOne({ conversationId, type: 'reply_suppressed' }).lean(),
      (e) => e !== null,
    );
    assert.equal((suppressed?.data as { verdict?: string } | undefined)?.verdict, 'window_expired');
    await stack.until(
      'the alert',
      () => AlertModel.findOne({ conversationId, kind: 'reply_window' }).lean(),
      (a) => a !== null,
    );
  });
});

describe('conversation policy', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack?.close());

  it('keeps the policy it started with: tuning policy.json changes new conversations only', async () => {
    const customer = 'wmPolicy1';
    // A conversation started under a stricter policy than the current one (no answer is confident).
    const strict = {
      ...defaultPolicyConfig,
      answerConfidence: 2,
      answerConfidenceWithQuestion: 2,
      answerProbability: 2,
    };
    const input: ConversationInput = {
      openKfId: stack.openKfId,
      externalUserId: customer,
      session: 1,
      humanMode: 'console',
      settings: conversationSettings(fastSettings),
      policy: strict,
    };
    await stack.client.workflow.start(conversation, {
      workflowId: conversationWorkflowId(stack.openKfId, customer, 1),
      taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
      args: [input],
    });
    await stack.until(
      'the conversation mirrored',
      () => ConversationModel.findOne({ externalUserId: customer, openKfId: stack.openKfId }).lean(),
      (d) => d !== null,
    );
    await stack.say(customer, '运费怎么算');
    const received = await stack.until(
      'a reply',
      () => stack.received(customer),
      (m) => m.length >= 1,
    );
    assert.equal(received[0], defaultPolicyConfig.replies.clarify, 'the started policy, not the bundled one');

    await stack.say('wmPolicy2', '运费怎么算');
    const answered = await stack.until(
      'the answer under the current policy',
      () => stack.received('wmPolicy2'),
      (m) => m.length >= 1,
    );
    assert.match(answered[0]!, /99元/);
  });
});

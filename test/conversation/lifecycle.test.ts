// The whole conversation lifecycle through the WeCom sandbox, the api callback, the kf inbox and
// the conversation workflow, on the real Temporal and FerretDB servers (HUMAN_MODE=console).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { register } from 'prom-client';
import { ConversationModel } from '../../db/models/conversation';
import { EventModel } from '../../db/models/event';
import { maybeRecordHistory } from '../support/histories';
import { startStack, type Stack } from '../support/stack';

describe('conversation lifecycle (console mode)', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack?.close());

  it('bot answer → "没解决" twice → handoff → agent → reply → resolve → CSAT → state 4', async () => {
    const customer = 'wmLifecycle1';
    await stack.say(customer, '怎么查物流');
    const first = await stack.until(
      'the bot answer and the confirmation menu',
      () => stack.received(customer),
      (m) => m.length >= 2,
    );
    assert.match(first[0]!, /查看物流/);
    assert.match(first[1]!, /是否解决/);

    await stack.say(customer, '没解决');
    await stack.until(
      'a reply to the first "no"',
      () => stack.received(customer),
      (m) => m.length >= 3,
    );
    const conversationId = await stack.conversationOf(customer);
    let snapshot = await stack.snapshot(conversationId);
    if (snapshot.state === 'confirming') {
      await stack.say(customer, '还是没解决');
    }
    snapshot = await stack.until(
      'an agent',
      () => stack.snapshot(conversationId),
      (s) => s.state === 'human',
    );
    assert.equal(snapshot.handoff?.reason, 'answer_rejected');
    assert.ok(
      snapshot.handoff?.transcript.some((t) => t.text === '怎么查物流'),
      'the whole transcript travels with the handoff',
    );
    const agentId = snapshot.agentId!;
    assert.ok(agentId);

    const handle = stack.client.workflow.getHandle(conversationId);
    // Visibility follows the search attributes moments later.
    const listed = await stack.until(
      'the conversation listed as served',
      () => stack.api<{ conversationId: string; agentId: string }[]>('GET', '/api/conversations?state=human'),
      (l) => l.body.length > 0,
    );
    assert.deepEqual(
      listed.body.map((c) => [c.conversationId, c.agentId]),
      [[conversationId, agentId]],
    );
    const path = `/api/conversations/${encodeURIComponent(conversationId)}`;
    const agent = stack.as(agentId);
    assert.equal((await stack.as('someone-else').api('POST', `${path}/reply`, { text: 'hi' })).status, 403);
    assert.equal((await agent.api('POST', `${path}/reply`, {})).status, 400);
    assert.equal((await agent.api('GET', '/api/conversations/conv:nobody:nobody:1')).status, 404);
    const reply = await agent.api<{ msgid: string }>('POST', `${path}/reply`, { text: '您好，我来帮您查一下物流。' });
    assert.equal(reply.status, 200);
    assert.match(reply.body.msgid, /^cs/);
    await stack.until(
      'the agent reply',
      () => stack.received(customer),
      (m) => m.includes('您好，我来帮您查一下物流。'),
    );

    assert.equal((await agent.api('POST', `${path}/resolve`, {})).status, 200);
    const afterResolve = await stack.until(
      'the survey',
      () => stack.received(customer),
      (m) => m.some((x) => x.includes('评价')),
    );
    assert.ok(afterResolve.at(-1)!.includes('满意'));

    await stack.choose(customer, '满意');
    const mirror = await stack.until(
      'the survey answer',
      () => ConversationModel.findOne({ conversationId }).lean(),
      (d) => d?.csat === 'satisfied',
    );
    assert.equal(mirror?.state, 'closed');
    await handle.result();
    assert.equal((await stack.session(customer)).service_state, 4, 'the WeCom session ended after the survey');
    const description = await handle.describe();
    assert.equal(description.searchAttributes.CsState?.[0], 'closed');
    const types = (await EventModel.find({ conversationId }).lean()).map((e) => e.type);
    for (const type of ['bot_answer', 'handoff', 'assigned', 'first_response', 'resolved', 'closed', 'csat']) {
      assert.ok(types.includes(type), `event ${type} in ${types.join(',')}`);
    }
    const metrics = await register.metrics();
    assert.match(metrics, /cs_handoffs_total\{reason="answer_rejected"\} 1/);
    assert.match(metrics, /cs_csat_total\{score="satisfied",served_by="human"\} 1/);
    assert.match(metrics, /cs_wecom_api_seconds_count\{path="kf\/send_msg",outcome="ok"\} [1-9]/);
    await maybeRecordHistory(stack.client, conversationId, 'console-lifecycle');
  });
});

// HUMAN_MODE=wecom: the bot answers from the KB, hands off by a service-state transition to the
// routed servicer, falls silent while the servicer chats in the WeCom client (origin 5), and the
// servicer's end of the session carries the survey through its msg_code. Never a reply twice, and
// never a send the session state forbids.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConversationModel } from '../../db/models/conversation';
import { EventModel } from '../../db/models/event';
import { maybeRecordHistory } from '../support/histories';
import { startStack, type Stack } from '../support/stack';

/** The customer writes and, for a while, receives nothing. */
async function staysSilent(stack: Stack, customer: string, text: string, why: string): Promise<void> {
  const before = (await stack.received(customer)).length;
  await stack.say(customer, text);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.equal((await stack.received(customer)).length, before, why);
}

describe('conversation in wecom mode', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ humanMode: 'wecom' });
  });
  after(() => stack?.close());

  it('answers, hands off by transition, stays silent with the servicer, surveys at the end', async () => {
    const customer = 'wmWecom1';
    await stack.say(customer, '发票抬头开错了可以改吗');
    const answered = await stack.until(
      'the KB answer',
      () => stack.received(customer),
      (m) => m.length >= 2,
    );
    assert.match(answered[0]!, /发票/);

    await stack.say(customer, '你们这什么破服务，我要投诉');
    const conversationId = await stack.conversationOf(customer);
    const snapshot = await stack.until(
      'a servicer',
      () => stack.snapshot(conversationId),
      (s) => s.state === 'human',
    );
    assert.equal(snapshot.handoff?.reason, 'negative_sentiment');
    const session = await stack.session(customer);
    assert.equal(session.service_state, 3, 'moved to a human servicer in WeCom');
    assert.ok(session.servicer_userid);
    const servicer = session.servicer_userid!;
    await stack.until(
      'the hand-over notice',
      () => stack.received(customer),
      (m) => m.some((x) => x.includes('为您服务')),
    );

    await stack.sandbox.control(`/sandbox/servicers/${servicer}/messages`, {
      externalUserId: customer,
      text: '您好，我是客服，马上为您处理。',
      openKfId: stack.openKfId,
    });
    await stack.until(
      'the servicer reply recorded as the first response',
      () => EventModel.findOne({ conversationId, type: 'first_response' }).lean(),
      (e) => e !== null,
    );
    await staysSilent(stack, customer, '好的，我等你', 'the bot stays silent while a servicer serves');

    await stack.sandbox.control(`/sandbox/servicers/${servicer}/end`, {
      externalUserId: customer,
      openKfId: stack.openKfId,
    });
    const survey = await stack.until(
      'the survey',
      () => stack.sandbox.inbox(customer),
      (m) => m.some((x) => x.content.includes('评价')),
    );
    assert.equal(survey.at(-1)?.via, 'send_msg_on_event');
    await stack.choose(customer, '一般');
    await stack.until(
      'the survey answer',
      () => ConversationModel.findOne({ conversationId }).lean(),
      (d) => d?.csat === 'neutral',
    );

    const refused = stack.sandbox.calls.filter((c) => c.path.startsWith('kf/send_msg') && c.errcode !== 0);
    assert.deepEqual(refused, [], 'no send was refused: nothing sent in a state that forbids it, no duplicate');
    const contents = (await stack.received(customer)).filter((m) => !m.includes('评价'));
    assert.equal(new Set(contents).size, contents.length, 'no reply twice');
    await maybeRecordHistory(stack.client, conversationId, 'wecom-mode');
  });
});

describe('conversation in wecom mode, with servicers of its own', () => {
  let stack: Stack;
  before(async () => {
    // The account's servicers are none of the agents in our roster: as with a WeCom deployment
    // whose servicers were never entered in the product.
    stack = await startStack({ humanMode: 'wecom', servicers: ['kf_alice', 'kf_bob'] });
  });
  after(() => stack?.close());

  const refusedSends = () => stack.sandbox.calls.filter((c) => c.path.startsWith('kf/send_msg') && c.errcode !== 0);

  it('waits in WeCom pool when no routed servicer can take it, until a servicer takes it there', async () => {
    const customer = 'wmPool1';
    await stack.say(customer, '我要投诉，你们的产品太差了');
    const conversationId = await stack.conversationOf(customer);
    await stack.until(
      'the session in the pool',
      () => stack.session(customer),
      (s) => s.service_state === 2,
    );
    const notice = await stack.until(
      'the queue notice through the pool msg_code',
      () => stack.sandbox.inbox(customer),
      (m) => m.some((x) => x.via === 'send_msg_on_event'),
    );
    assert.match(notice.find((x) => x.via === 'send_msg_on_event')!.content, /排队/);
    assert.equal((await stack.snapshot(conversationId)).state, 'queued');

    await staysSilent(stack, customer, '还要等多久', 'nothing is sent while the pool holds it');

    await stack.sandbox.control('/sandbox/servicers/kf_alice/take', {
      externalUserId: customer,
      openKfId: stack.openKfId,
    });
    const snapshot = await stack.until(
      'the servicer who took it',
      () => stack.snapshot(conversationId),
      (s) => s.state === 'human',
    );
    assert.equal(snapshot.agentId, 'kf_alice');
    assert.equal(snapshot.handoff?.reason, 'negative_sentiment');
    await stack.until(
      'the hand-over notice through the msg_code of the take',
      () => stack.received(customer),
      (m) => m.some((x) => x.includes('kf_alice')),
    );
    assert.deepEqual(refusedSends(), []);
    const transitions = stack.sandbox.calls.filter((c) => c.path === 'kf/service_state/trans');
    assert.ok(
      transitions.every((c) => c.errcode === 0),
      'no transition to a servicer who is not one of the account',
    );
    await maybeRecordHistory(stack.client, conversationId, 'wecom-pool');
  });

  it('a servicer writing from the WeCom client takes the conversation from the bot', async () => {
    const customer = 'wmTaken1';
    await stack.say(customer, '发票抬头开错了可以改吗');
    await stack.until(
      'the KB answer',
      () => stack.received(customer),
      (m) => m.length >= 2,
    );
    const conversationId = await stack.conversationOf(customer);
    await stack.sandbox.control('/sandbox/servicers/kf_bob/messages', {
      externalUserId: customer,
      text: '您好，我来帮您改发票抬头。',
      openKfId: stack.openKfId,
    });
    const snapshot = await stack.until(
      'the servicer holding it',
      () => stack.snapshot(conversationId),
      (s) => s.state === 'human',
    );
    assert.equal(snapshot.agentId, 'kf_bob');
    await staysSilent(stack, customer, '好的谢谢', 'the bot stays silent');
    assert.deepEqual(refusedSends(), []);
  });
});

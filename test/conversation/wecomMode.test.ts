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
    const before = (await stack.received(customer)).length;
    await stack.say(customer, '好的，我等你');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal((await stack.received(customer)).length, before, 'the bot stays silent while a servicer serves');

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
    await stack.click(customer, 'csat_neutral', '一般');
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

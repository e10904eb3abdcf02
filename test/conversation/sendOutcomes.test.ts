// How a send's WeCom answer becomes the workflow's outcome: sent, duplicate (an earlier attempt got
// through: WeCom's code for a reused msgid is undocumented, so its message counts too), refused (a
// rule WeCom enforces), or thrown for Temporal to retry (busy, network). The stored transcript
// keeps what reached the customer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createConversationActivities } from '../../activities/conversation';
import type { KfApi } from '../../activities/kfApi';
import { MessageModel } from '../../db/models/message';
import { WecomApiError } from '../../wecom/errors';
import { connectTestMongo, dropTestMongo } from '../support/servers';

function activitiesFailingWith(error: unknown) {
  const kf = {
    sendText: async () => {
      if (error) throw error;
    },
  } as unknown as KfApi;
  return createConversationActivities({ kf, understand: () => assert.fail('not used') });
}

const send = (error: unknown, msgid: string) =>
  activitiesFailingWith(error).sendText({
    conversationId: 'conv:wk:c:1',
    openKfId: 'wk',
    externalUserId: 'c',
    msgid,
    text: '您好',
    from: 'bot',
  });

describe('send outcomes', () => {
  before(() => connectTestMongo('sends'));
  after(dropTestMongo);

  it('sent and stored', async () => {
    assert.deepEqual(await send(undefined, 'm1'), { status: 'sent' });
    assert.equal(await MessageModel.countDocuments({ msgid: 'm1' }), 1);
  });

  it('a reused msgid, by code or by message, is the earlier send that got through', async () => {
    const byCode = new WecomApiError(95999, 'duplicate msgid', 'kf/send_msg');
    const byText = new WecomApiError(40058, 'invalid msgid: msgid already exist', 'kf/send_msg');
    assert.deepEqual(await send(byCode, 'm2'), { status: 'duplicate' });
    assert.deepEqual(await send(byText, 'm3'), { status: 'duplicate' });
    assert.equal(await MessageModel.countDocuments({ msgid: { $in: ['m2', 'm3'] } }), 2);
  });

  it('a WeCom rule is a refusal, not stored; busy and network failures are thrown to be retried', async () => {
    const outOfWindow = new WecomApiError(95002, 'over 48 hours', 'kf/send_msg');
    assert.deepEqual(await send(outOfWindow, 'm4'), { status: 'refused', errcode: 95002 });
    assert.equal(await MessageModel.countDocuments({ msgid: 'm4' }), 0);
    await assert.rejects(send(new WecomApiError(-1, 'system busy', 'kf/send_msg'), 'm5'));
    await assert.rejects(send(new TypeError('fetch failed'), 'm6'));
  });
});

// How WeCom's answer to a send becomes the conversation's outcome: sent, duplicate (an earlier
// attempt got through: WeCom's code for a reused msgid is undocumented, so its message counts too),
// refused (a rule of this customer's session), or thrown for Temporal to retry: busy and network
// failures quietly, and errcodes that say the deployment is wrong (or that we do not know) with an
// alert, so a message waits for the fix instead of being dropped. The transcript keeps what reached
// the customer; the events are appended once however often the activity runs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createConversationActivities } from '../../activities/conversation';
import type { KfApi } from '../../activities/kfApi';
import { ensureIdempotencyIndexes } from '../../db/indexes';
import { EventModel } from '../../db/models/event';
import { MessageModel } from '../../db/models/message';
import { WecomApiError } from '../../wecom/errors';
import { connectTestMongo, dropTestMongo } from '../support/servers';

const alerts: { alertId: string; kind: string; message: string }[] = [];

function activitiesFailingWith(error: unknown) {
  const kf = {
    sendText: async () => {
      if (error) throw error;
    },
  } as unknown as KfApi;
  return createConversationActivities({
    kf,
    understand: () => assert.fail('not used'),
    alert: async (alert) => void alerts.push(alert),
  });
}

const deliver = async (error: unknown, msgid: string, events: { eventId: string; type: string }[] = []) =>
  (
    await activitiesFailingWith(error).deliver({
      conversationId: 'conv:wk:c:1',
      openKfId: 'wk',
      externalUserId: 'c',
      messages: [{ msgid, text: '您好', from: 'bot' }],
      events: events.map((e) => ({ ...e, at: 0, data: {} })),
    })
  )[0];

describe('send outcomes', () => {
  before(async () => {
    await connectTestMongo('sends');
    await ensureIdempotencyIndexes();
  });
  after(dropTestMongo);

  it('sent and stored, with its events appended once however often it runs', async () => {
    const events = [{ eventId: 'conv:wk:c:1:1', type: 'bot_answer' }];
    assert.deepEqual(await deliver(undefined, 'm1', events), { status: 'sent' });
    assert.deepEqual(await deliver(undefined, 'm1', events), { status: 'sent' });
    assert.equal(await MessageModel.countDocuments({ msgid: 'm1' }), 1);
    assert.equal(await EventModel.countDocuments({ eventId: 'conv:wk:c:1:1' }), 1);
  });

  it('a reused msgid, by code or by message, is the earlier send that got through', async () => {
    const byCode = new WecomApiError(95999, 'duplicate msgid', 'kf/send_msg');
    const byText = new WecomApiError(40058, 'invalid msgid: msgid already exist', 'kf/send_msg');
    assert.deepEqual(await deliver(byCode, 'm2'), { status: 'duplicate' });
    assert.deepEqual(await deliver(byText, 'm3'), { status: 'duplicate' });
    assert.equal(await MessageModel.countDocuments({ msgid: { $in: ['m2', 'm3'] } }), 2);
  });

  it("a rule of the customer's session is a refusal, not stored; busy and network failures are retried", async () => {
    const outOfWindow = new WecomApiError(95002, 'over 48 hours', 'kf/send_msg');
    assert.deepEqual(await deliver(outOfWindow, 'm4'), { status: 'refused', errcode: 95002 });
    assert.equal(await MessageModel.countDocuments({ msgid: 'm4' }), 0);
    await assert.rejects(deliver(new WecomApiError(-1, 'system busy', 'kf/send_msg'), 'm5'));
    await assert.rejects(deliver(new TypeError('fetch failed'), 'm6'));
    assert.equal(alerts.length, 0, 'a passing fault raises no alert');
  });

  it('a deployment error (bad secret, untrusted IP, unknown account, an unknown code) alerts and is retried, never dropped', async () => {
    for (const errcode of [40001, 40013, 60020, 95004, 77777]) {
      await assert.rejects(deliver(new WecomApiError(errcode, 'refused', 'kf/send_msg'), `m-${errcode}`));
      assert.ok(
        alerts.some((a) => a.kind === 'wecom_error' && a.alertId.startsWith(`wecom:${errcode}:`)),
        `alert for ${errcode}`,
      );
    }
    assert.equal(await MessageModel.countDocuments({ msgid: /^m-/ }), 0);
  });

  it("the conversation's first bot reply: its first-response event is written with the delivery that sent it, once", async () => {
    const startedAt = Date.now() - 1500;
    const firstReply = (eventId: string) => ({ eventId, startedAt, skill: 'billing' });
    const withFirstReply = (error: unknown, msgid: string, eventId: string) =>
      activitiesFailingWith(error).deliver({
        conversationId: 'conv:wk:c:1',
        openKfId: 'wk',
        externalUserId: 'c',
        messages: [{ msgid, text: '您好', from: 'bot' }],
        events: [],
        firstBotReply: firstReply(eventId),
      });
    const sentBefore = Date.now();
    assert.deepEqual(await withFirstReply(undefined, 'f1', 'conv:wk:c:1:9'), [{ status: 'sent' }]);
    assert.deepEqual(await withFirstReply(undefined, 'f1', 'conv:wk:c:1:9'), [{ status: 'sent' }]);
    const written = await EventModel.find({ eventId: 'conv:wk:c:1:9' }).lean();
    assert.equal(written.length, 1, 'a retried delivery writes it once');
    assert.equal(written[0]!.type, 'bot_first_response');
    assert.equal(written[0]!.skill, 'billing');
    const ms = (written[0]!.data as { ms: number }).ms;
    assert.ok(ms >= sentBefore - startedAt && ms <= Date.now() - startedAt, `timed at the send: ${ms} ms`);

    const refused = new WecomApiError(95002, 'over 48 hours', 'kf/send_msg');
    assert.deepEqual(await withFirstReply(refused, 'f2', 'conv:wk:c:1:10'), [{ status: 'refused', errcode: 95002 }]);
    assert.equal(await EventModel.countDocuments({ eventId: 'conv:wk:c:1:10' }), 0, 'nothing reached the customer');
  });
});

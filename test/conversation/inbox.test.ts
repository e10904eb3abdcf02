// The kf inbox against the WeCom sandbox: a restarted inbox resumes from the cursor saved after the
// last delivered page (it never replays three days), a cursor WeCom no longer accepts is recovered
// from without answering anything twice, an inbox that cannot sync makes /healthz unhealthy, and a
// page of a thousand long messages is delivered without ever travelling as a Temporal payload,
// resuming from its heartbeat when retried.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createInboxActivities, type SyncedPage } from '../../activities/inbox';
import { CustomerModel } from '../../db/models/customer';
import { EventModel } from '../../db/models/event';
import { KfAccountModel } from '../../db/models/kfAccount';
import { MessageModel } from '../../db/models/message';
import { conversationSettings } from '../../domain/conversationSettings';
import { WecomClient } from '../../wecom/client';
import { conversationWorkflowId, kfInboxWorkflowId } from '../../workflows/conversationContract';
import { startSandbox, sandboxCredentials } from '../support/sandbox';
import { connectTestMongo, dropTestMongo, temporalClient, uniqueTaskQueue } from '../support/servers';
import { startStack, type Stack } from '../support/stack';

describe('kf inbox', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ settings: { burstWindowMs: 0 } });
  });
  after(() => stack?.close());

  const answers = async (customer: string) => (await stack.received(customer)).filter((m) => !m.includes('是否解决'));
  /** Waits until the customer has had `count` answers. */
  const answered = (customer: string, count: number, what: string) =>
    stack.until(
      what,
      () => answers(customer),
      (m) => m.length === count,
    );

  it('a terminated inbox starts again from the saved cursor: nothing already answered is answered again', async () => {
    await stack.say('wmCursor1', '运费怎么算');
    await stack.until(
      'the first answer',
      () => answers('wmCursor1'),
      (m) => m.length === 1,
    );
    const saved = await stack.until(
      'the cursor saved after delivery',
      () => KfAccountModel.findOne({ openKfId: stack.openKfId }).lean(),
      (a) => Boolean(a?.cursor),
    );
    await stack.client.workflow.getHandle(kfInboxWorkflowId(stack.openKfId)).terminate('operator reset');

    await stack.say('wmCursor2', '怎么开发票');
    await stack.until(
      'the new message answered',
      () => answers('wmCursor2'),
      (m) => m.length === 1,
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal((await answers('wmCursor1')).length, 1, 'the earlier message was not answered again');
    const resumed = await KfAccountModel.findOne({ openKfId: stack.openKfId }).lean();
    assert.notEqual(resumed?.cursor, saved?.cursor, 'the cursor moved on from where it was saved');
  });

  it('a cursor WeCom no longer accepts (40058) is recovered from: new messages answered, old ones not', async () => {
    await stack.say('wmReset1', '保修期多久');
    await stack.until(
      'answered',
      () => answers('wmReset1'),
      (m) => m.length === 1,
    );
    // WeCom forgets the cursor (the sandbox restarts with its log empty); the customer writes again.
    await stack.sandbox.control('/sandbox/reset');
    await stack.sandbox.control('/sandbox/callbacks', { url: `${stack.apiUrl}/wecom/callback` });
    await stack.say('wmReset2', '支持花呗分期吗');
    await stack.until(
      'the message after the reset answered',
      () => answers('wmReset2'),
      (m) => m.length === 1,
    );
    const account = await KfAccountModel.findOne({ openKfId: stack.openKfId }).lean();
    assert.equal(account?.cursorResets, 1);
    assert.equal(account?.syncFailingSince, undefined, 'syncing is healthy again');
    assert.equal((await fetch(`${stack.apiUrl}/healthz`)).status, 200);
  });

  it("a follow-up goes to the session this worker routed the customer to; once it has finished, the customer's record decides", async () => {
    const customer = 'wmDirectory';
    const conversationOf = async (text: string) =>
      (await stack.until(
        `"${text}" stored`,
        () => MessageModel.findOne({ externalUserId: customer, text }).lean(),
        (m) => m !== null,
      ))!.conversationId;
    await stack.say(customer, '运费怎么算');
    await answered(customer, 1, 'the first answer');
    const first = conversationWorkflowId(stack.openKfId, customer, 1);
    assert.equal(await conversationOf('运费怎么算'), first);

    // The record now names another session: the follow-up is not looked up, it goes where it went.
    await CustomerModel.updateOne({ openKfId: stack.openKfId, externalUserId: customer }, { $set: { session: 5 } });
    await stack.say(customer, '怎么开发票');
    await answered(customer, 2, 'the follow-up answered');
    assert.equal(await conversationOf('怎么开发票'), first);

    // That session finishes: the next message reads the record and opens the session it names.
    await stack.client.workflow.getHandle(first).terminate('finished for the test');
    await stack.say(customer, '保修期多久');
    await answered(customer, 3, 'answered by the next session');
    assert.equal(await conversationOf('保修期多久'), conversationWorkflowId(stack.openKfId, customer, 5));
  });

  it("a new conversation's first answer is one activity: the delivery also writes the bot's first-response time", async () => {
    const customer = 'wmOneActivity';
    await stack.say(customer, '运费怎么算');
    await answered(customer, 1, 'the first answer');
    const conversationId = conversationWorkflowId(stack.openKfId, customer, 1);
    const firstResponse = await stack.until(
      'its first-response event',
      () => EventModel.findOne({ conversationId, type: 'bot_first_response' }).lean(),
      (e) => e !== null,
    );
    assert.ok((firstResponse!.data as { ms: number }).ms >= 0);
    // Waiting for "did that help?" now: everything the turn recorded went with the delivery.
    const history = await stack.client.workflow.getHandle(conversationId).fetchHistory();
    const activities = (history.events ?? []).flatMap((e) => {
      const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
      return name ? [name] : [];
    });
    assert.deepEqual(activities, ['deliver']);
  });

  it('an inbox that cannot sync for minutes makes /healthz unhealthy, naming the account', async () => {
    await stack.sandbox.control('/sandbox/faults', {
      path: 'kf/sync_msg',
      kind: 'errcode',
      errcode: 40001,
      times: 1000,
    });
    try {
      await stack.say('wmBroken', '你好');
      await stack.until(
        'the failure recorded',
        () => KfAccountModel.findOne({ openKfId: stack.openKfId }).lean(),
        (a) => a?.syncFailingSince !== undefined,
      );
      // As if it had been failing for three minutes (the threshold is two).
      await KfAccountModel.updateOne(
        { openKfId: stack.openKfId },
        { $set: { syncFailingSince: new Date(Date.now() - 3 * 60_000) } },
      );
      const health = await fetch(`${stack.apiUrl}/healthz`);
      assert.equal(health.status, 503);
      const body = (await health.json()) as { dependencies: { inbox: { ok: boolean; failing: string[] } } };
      assert.deepEqual(body.dependencies.inbox.failing, [stack.openKfId]);
    } finally {
      await stack.sandbox.control('/sandbox/faults', { clear: true });
    }
    await stack.until(
      'answered once syncing works',
      () => answers('wmBroken'),
      (m) => m.length >= 1,
      60_000,
    );
    assert.equal((await fetch(`${stack.apiUrl}/healthz`)).status, 200);
  });
});

describe('a page of a thousand long messages', () => {
  before(() => connectTestMongo('bigpage'));
  after(() => dropTestMongo());

  it('never travels as a Temporal payload, and a retry reads the same page and resumes from its heartbeat', async () => {
    const openKfId = `wkPage${Date.now().toString(36)}`;
    const sandbox = await startSandbox(undefined, openKfId);
    const temporal = await temporalClient();
    try {
      const long = '我家的摄像头昨天开始一直离线，'.repeat(45); // about 2 kB of UTF-8
      for (let i = 0; i < 1000; i++) {
        await sandbox.control(`/sandbox/customers/wmPage${i % 300}/messages`, { text: `${i} ${long}`, openKfId });
      }
      const kf = new WecomClient({
        baseUrl: sandbox.url,
        corpId: sandboxCredentials.corpId,
        secret: sandboxCredentials.secret,
      });
      const inbox = createInboxActivities({
        kf,
        temporal,
        taskQueue: uniqueTaskQueue('bigpage-nobody-polls'),
        humanMode: 'console',
        settings: conversationSettings(),
      });
      // More messages arrive after the first attempt read its page: the retry must read that same page.
      for (let i = 0; i < 5; i++)
        await sandbox.control(`/sandbox/customers/wmLate${i}/messages`, { text: '在吗', openKfId });

      // A retry after 150 of the 300 customers were delivered picks up from there.
      const retry = new MockActivityEnvironment({ heartbeatDetails: { customers: 150, pageSize: 1000 } });
      const beats: { customers: number }[] = [];
      retry.on('heartbeat', (d: { customers: number }) => beats.push(d));
      const page = (await retry.run(inbox.syncAndDeliver, { openKfId })) as SyncedPage;
      const payload = Buffer.byteLength(JSON.stringify(page));
      assert.ok(payload < 1_000, `what the workflow receives is small: ${payload} bytes`);
      assert.equal(page.customers, 300, 'the same page as the first attempt, not the messages after it');
      assert.equal(page.hasMore, true, 'the late messages are the next page');
      assert.equal(beats.length, 150, 'one heartbeat per customer delivered in this attempt');
      assert.equal(beats.at(-1)?.customers, 300);
      const customersStored = await MessageModel.distinct('externalUserId');
      assert.equal(customersStored.length, 150, 'only the customers after the heartbeat were delivered again');
      assert.ok(!customersStored.includes('wmPage0'));
      assert.equal((await KfAccountModel.findOne({ openKfId }).lean())?.cursor, page.nextCursor);

      const next = (await new MockActivityEnvironment().run(inbox.syncAndDeliver, {
        openKfId,
        cursor: page.nextCursor,
      })) as SyncedPage;
      assert.deepEqual([next.customers, next.hasMore], [5, false]);
    } finally {
      await sandbox.close();
      await temporal.connection.close();
    }
  });
});

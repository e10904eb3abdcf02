// Customer profiles on the real stack: agents tag the customers they serve, only supervisors set a
// tier, bad changes are 400s that say what was wrong; a change reaches the customer's next
// conversation; supervisors import customers and a VIP imported before they write is served as a
// VIP from their first message; WeCom's enter_session (scene, scene_param) and the corp's tags on an
// external contact become tags through the sandbox.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConversationModel } from '../../db/models/conversation';
import { CustomerModel } from '../../db/models/customer';
import { EventModel } from '../../db/models/event';
import { CsCustomerTier } from '../../workflows/searchAttributes';
import { readEvents, type EventReader } from '../support/eventStream';
import { startStack, type Stack } from '../support/stack';
import { tokenFor } from '../support/users';

const SUPERVISOR = { userId: 'supervisor01', role: 'supervisor' } as const;
const path = (conversationId: string, rest = '') => `/api/conversations/${encodeURIComponent(conversationId)}${rest}`;

interface Profile {
  tier: string;
  tags: string[];
  changed?: boolean;
}

describe('customer profiles', () => {
  let stack: Stack;
  const streams: EventReader[] = [];
  const handTo = (agentId: string, customer: string) => stack.handTo(agentId, customer);
  const change = (who: string | typeof SUPERVISOR, conversationId: string, body: unknown) =>
    stack.as(who).api<Profile & { error?: string }>('PATCH', path(conversationId, '/customer'), body);
  const stored = async (externalUserId: string) => {
    const doc = await CustomerModel.findOne({ openKfId: stack.openKfId, externalUserId }).lean();
    return { tier: doc?.tier, tags: doc?.tags ?? [] };
  };
  /** The handoff card of the customer's newest conversation, once there is one. */
  const card = async (customer: string) => {
    const conversationId = await stack.conversationOf(customer);
    const snapshot = await stack.until(
      'a handoff card',
      () => stack.snapshot(conversationId),
      (s) => Boolean(s.handoff),
    );
    return { conversationId, snapshot, handoff: snapshot.handoff! };
  };

  before(async () => {
    stack = await startStack({
      settings: { firstResponseSlaMs: 600_000, humanIdleNudgeMs: 600_000, humanIdleCloseMs: 600_000 },
    });
  });
  after(async () => {
    for (const stream of streams) stream.close();
    await stack?.close();
  });

  it('agents add and remove tags on the customer they serve; a workspace showing the customer hears it', async () => {
    const conversationId = await handTo('zhangsan', 'wmTag1');
    const stream = await readEvents(
      `${stack.apiUrl}/api/workspace/events?open=${encodeURIComponent(conversationId)}`,
      await tokenFor({ userId: 'zhangsan' }),
    );
    streams.push(stream);

    const added = await change('zhangsan', conversationId, { add: ['老客户', '门锁用户'] });
    assert.equal(added.status, 200, JSON.stringify(added.body));
    assert.deepEqual([added.body.tags, added.body.changed], [['老客户', '门锁用户'], true]);
    await stream.next('customer', (d) => d.conversationId === conversationId);

    const removed = await change('zhangsan', conversationId, { remove: ['门锁用户'] });
    assert.deepEqual(removed.body.tags, ['老客户']);
    const again = await change('zhangsan', conversationId, { add: ['老客户'] });
    assert.deepEqual([again.status, again.body.changed], [200, false], 'asking for what is there changes nothing');
    assert.deepEqual(await stored('wmTag1'), { tier: 'normal', tags: ['老客户'] });

    const shown = await stack.as('zhangsan').api<Profile>('GET', path(conversationId, '/customer'));
    assert.deepEqual([shown.body.tier, shown.body.tags], ['normal', ['老客户']]);
    const events = await EventModel.find({ type: 'customer_profile_changed' }).sort({ at: 1 }).lean();
    assert.deepEqual(
      events.map((e) => [e.data.by, e.data.added, e.data.removed]),
      [
        ['zhangsan', ['老客户', '门锁用户'], undefined],
        ['zhangsan', undefined, ['门锁用户']],
      ],
    );

    const intruder = await change('lisi', conversationId, { add: ['冒名'] });
    assert.equal(intruder.status, 403);
    assert.match(intruder.body.error!, /not your conversation/);
  });

  it('only supervisors set the tier: an agent gets 403 and nothing changes', async () => {
    const conversationId = await handTo('zhangsan', 'wmTier1');
    const refused = await change('zhangsan', conversationId, { tier: 'vip', add: ['顺便'] });
    assert.equal(refused.status, 403);
    assert.match(refused.body.error!, /only supervisors set a customer’s tier/);
    assert.deepEqual(await stored('wmTier1'), { tier: 'normal', tags: [] });

    const set = await change(SUPERVISOR, conversationId, { tier: 'vip' });
    assert.equal(set.status, 200);
    assert.equal(set.body.tier, 'vip');
    assert.equal((await stored('wmTier1')).tier, 'vip');
    const event = await EventModel.findOne({ type: 'customer_profile_changed', 'data.by': 'supervisor01' }).lean();
    assert.deepEqual(event?.data.tier, { from: 'normal', to: 'vip' });
  });

  it('a bad change is a 400 that says what was wrong', async () => {
    const conversationId = await handTo('zhangsan', 'wmBad1');
    const cases: [unknown, RegExp][] = [
      [{ tier: 'gold' }, /tier: must be one of normal, vip, svip/],
      [{}, /say what changes: tier, add or remove/],
      [{ add: ['a,b'] }, /a tag may not contain , ; \| 、 or line breaks/],
      [{ add: ['长'.repeat(65)] }, /a tag has at most 64 characters/],
      [{ add: ['a'], remove: ['a'] }, /a tag cannot be both added and removed/],
      [{ add: '老客户' }, /add: .*expected array/i],
      [{ add: ['a'], agentId: 'lisi' }, /agentId/],
    ];
    for (const [body, message] of cases) {
      const res = await change(SUPERVISOR, conversationId, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.body.error!, message, JSON.stringify(body));
    }
    await CustomerModel.updateOne(
      { openKfId: stack.openKfId, externalUserId: 'wmBad1' },
      { $set: { tags: Array.from({ length: 50 }, (_, i) => `t${i}`) } },
    );
    const full = await change('zhangsan', conversationId, { add: ['再来一个'] });
    assert.equal(full.status, 400);
    assert.match(full.body.error!, /at most 50 tags \(this one would have 51\): remove some first/);
    assert.equal((await change('zhangsan', conversationId, { remove: ['t0'], add: ['再来一个'] })).status, 200);
  });

  it('a changed profile reaches the customer’s next conversation', async () => {
    const first = await handTo('zhangsan', 'wmNext1');
    await change(SUPERVISOR, first, { tier: 'svip', add: ['投诉过'] });
    // The running conversation keeps the card it wrote (the workspace shows the profile beside it).
    assert.equal((await stack.snapshot(first)).handoff?.customerTier, 'normal');
    assert.equal((await stack.as('zhangsan').api('POST', path(first, '/resolve'), {})).status, 200);
    await stack.until(
      'closed',
      () => stack.snapshot(first),
      (s) => s.state === 'closed',
    );
    await stack.say('wmNext1', '转人工，门锁又坏了');
    const next = await stack.until(
      'the next conversation',
      () => stack.conversationOf('wmNext1'),
      (id) => id !== first,
    );
    const { handoff } = await card('wmNext1');
    assert.ok(next.endsWith(':2'), next);
    assert.equal(handoff.customerTier, 'svip');
    assert.deepEqual(handoff.customerTags, ['投诉过']);
  });

  it('supervisors import customers: a VIP imported before writing is served as a VIP from the start', async () => {
    const csv = [
      'openKfId,externalUserId,tier,tags',
      `${stack.openKfId},wmVip1,vip,年费会员;老客户`,
      `${stack.openKfId},wmVip2,diamond,`,
    ].join('\n');
    const refused = await stack.as('zhangsan').api<{ error: string }>('POST', '/api/customers/import', { csv });
    assert.equal(refused.status, 403, 'agents do not import');
    const imported = await stack.as(SUPERVISOR).api<{
      created: number;
      unchanged: number;
      rejected: number;
      rejectedRows: { row: number; reason: string }[];
    }>('POST', '/api/customers/import', { csv });
    assert.equal(imported.status, 200, JSON.stringify(imported.body));
    assert.deepEqual([imported.body.created, imported.body.rejected], [1, 1]);
    assert.match(imported.body.rejectedRows[0]!.reason, /tier: must be one of normal, vip, svip/);
    const again = await stack
      .as(SUPERVISOR)
      .api<{ created: number; unchanged: number }>('POST', '/api/customers/import', { csv });
    assert.deepEqual([again.body.created, again.body.unchanged], [0, 1], 'the same file again changes nothing');
    for (const [body, message] of [
      [{ csv, rows: [] }, /send csv .* or rows .*, one of them/],
      [{ csv: 'externalUserId,level\nwm1,vip' }, /unknown column level/],
      [{ rows: 'wm1' }, /rows: .*expected array/i],
    ] as const) {
      const bad = await stack.as(SUPERVISOR).api<{ error: string }>('POST', '/api/customers/import', body);
      assert.equal(bad.status, 400);
      assert.match(bad.body.error, message);
    }

    // Only a junior agent is online: the VIP's level (served by seniors) keeps them in the queue.
    await stack.onlineOnly(['zhangsan']);
    await stack.say('wmVip1', '转人工');
    const { conversationId, snapshot, handoff } = await card('wmVip1');
    assert.equal(handoff.customerTier, 'vip');
    assert.deepEqual(handoff.customerTags, ['年费会员', '老客户']);
    const described = await stack.client.workflow.getHandle(conversationId).describe();
    assert.equal(described.typedSearchAttributes.get(CsCustomerTier), 'vip');
    assert.equal(snapshot.state, 'queued');
    assert.equal(
      snapshot.timersDue.queueWaitSla! - snapshot.queuedAt!,
      60_000,
      'the VIP queue-wait SLA of kb/service-levels.json, not the default',
    );
    await stack.until(
      'the mirror',
      () => ConversationModel.findOne({ conversationId }).lean(),
      (doc) => doc?.customerTier === 'vip',
    );
  });

  it('where the customer came in (enter_session scene and scene_param) becomes tags', async () => {
    await stack.onlineOnly(['zhangsan']);
    await stack.sandbox.control('/sandbox/customers/wmScene1/enter', {
      openKfId: stack.openKfId,
      scene: 'order_page',
      sceneParam: 'order-20261125',
    });
    await stack.until(
      'the entry point in the profile',
      () => stored('wmScene1'),
      (p) => p.tags.includes('scene_param:order-20261125'),
    );
    assert.deepEqual((await stored('wmScene1')).tags, ['scene:order_page', 'scene_param:order-20261125']);
    await stack.say('wmScene1', '转人工，订单没发货');
    const { handoff } = await card('wmScene1');
    assert.deepEqual(handoff.customerTags, ['scene:order_page', 'scene_param:order-20261125']);

    await stack.sandbox.control('/sandbox/customers/wmScene1/enter', {
      openKfId: stack.openKfId,
      scene: 'order_page',
      sceneParam: 'coupon,618',
    });
    await stack.until(
      'the second entry point',
      () => stored('wmScene1'),
      (p) => p.tags.includes('scene_param:coupon_618'),
    );
  });

  it('the corp’s tags on an external contact join the profile where the corp allows it', async () => {
    await stack.onlineOnly(['zhangsan']);
    await stack.sandbox.control('/sandbox/customers/wmContact1/profile', {
      unionid: 'ozContact1',
      contactTags: ['高价值', { groupName: '购买渠道', tagName: '天猫' }],
    });
    await stack.say('wmContact1', '转人工');
    assert.deepEqual((await card('wmContact1')).handoff.customerTags, ['wecom:高价值', 'wecom:天猫']);
    const doc = await CustomerModel.findOne({ openKfId: stack.openKfId, externalUserId: 'wmContact1' }).lean();
    assert.equal(doc?.unionid, 'ozContact1');
    assert.equal(doc?.nickname, '客户act1');

    // A corp that does not let the app read external contacts: the conversation goes on without
    // them, and the next new customers cost no call for a while.
    await stack.sandbox.control('/sandbox/faults', { path: 'externalcontact/get', kind: 'errcode', errcode: 48002 });
    await stack.say('wmContact2', '转人工');
    assert.deepEqual((await card('wmContact2')).handoff.customerTags, []);
    const asked = stack.sandbox.calls.filter((c) => c.path === 'externalcontact/get').length;
    await stack.say('wmContact3', '转人工');
    await card('wmContact3');
    assert.equal(stack.sandbox.calls.filter((c) => c.path === 'externalcontact/get').length, asked);
  });
});

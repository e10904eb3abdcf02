// A customer's document is written by people (tier, tags) while their conversation runs, and FerretDB
// 1.24 answers an update by reading the document and writing it back whole, so two updates of one
// document at once lose one of them. On the real MongoDB-wire server: what a conversation leaves for
// the next one has documents of its own, a person's change is read back and written again where
// another writer's update undid it, and two people's changes in one process go one after the other.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CustomerModel } from '../../db/models/customer';
import { SessionContextModel } from '../../db/models/sessionContext';
import { changeProfile } from '../../customers/profiles';
import { writeProfiles } from '../../customers/profileWrites';
import { handedOver, keepSessionContext, previousSessionContext } from '../../activities/sessionContexts';
import type { SessionContext } from '../../activities/outbound';
import { conversationWorkflowId } from '../../workflows/conversationContract';
import { connectTestMongo, dropTestMongo } from '../support/servers';

const OPEN_KF_ID = 'wkRace';
async function until(done: () => Promise<boolean>): Promise<void> {
  for (const started = Date.now(); !(await done());) {
    if (Date.now() - started > 5000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
const SUPERVISOR = { userId: 'supervisor01', role: 'supervisor' };
const customers = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => ({ openKfId: OPEN_KF_ID, externalUserId: `${prefix}${i}` }));
const closed = (conversationId: string, agentId: string): SessionContext => ({
  conversationId,
  closedAt: Date.parse('2026-12-07T10:00:00Z'),
  closedReason: 'resolved',
  recentCustomerTurns: ['门锁坏了'],
  agentId,
});

describe('concurrent writes of a customer', () => {
  before(() => connectTestMongo('race'));
  after(() => dropTestMongo());

  it('a tier set while the conversation records its agent is kept, and so is the agent', async () => {
    const keys = customers('wmAssigned', 30);
    await CustomerModel.insertMany(keys.map((key) => ({ ...key, session: 1, tier: 'normal', tags: [] })));
    await Promise.all(
      keys.map((key) =>
        Promise.all([
          changeProfile(key, { tier: 'svip', add: ['投诉过'] }, SUPERVISOR),
          keepSessionContext(conversationWorkflowId(key.openKfId, key.externalUserId, 1), key, {
            lastAgentId: 'zhangsan',
          }),
        ]),
      ),
    );
    const stored = await CustomerModel.find({ openKfId: OPEN_KF_ID, externalUserId: /^wmAssigned/ }).lean();
    assert.deepEqual(
      stored.filter((doc) => doc.tier !== 'svip' || !doc.tags.includes('投诉过')).map((doc) => doc.externalUserId),
      [],
    );
    for (const key of keys) {
      const left = await previousSessionContext(key.openKfId, key.externalUserId, 2);
      assert.equal(left?.lastAgentId, 'zhangsan', key.externalUserId);
    }
  });

  it('a change that another writer’s update undoes is written again and kept', async () => {
    const key = { openKfId: OPEN_KF_ID, externalUserId: 'wmUndone' };
    const { _id } = await CustomerModel.create({ ...key, session: 1, tier: 'normal', tags: ['门锁用户'] });
    // FerretDB's update of the other writer (the inbox moving the customer to their next session):
    // it read the document before the change and writes it back whole, with its own edit, after it.
    const readBefore = await CustomerModel.findById(_id).lean();
    const written = writeProfiles([{ _id, tier: 'vip', add: ['老客户'], remove: ['门锁用户'] }], { settleMs: 300 });
    await until(async () => (await CustomerModel.findById(_id).lean())?.tier === 'vip');
    await CustomerModel.replaceOne({ _id }, { ...readBefore!, session: 2 });
    const { rewritten, missing } = await written;
    assert.deepEqual({ rewritten, missing }, { rewritten: 1, missing: 0 });
    const stored = await CustomerModel.findById(_id).lean();
    assert.deepEqual([stored?.tier, stored?.tags, stored?.session], ['vip', ['老客户'], 2]);
  });

  it('two people tagging one customer at once both keep their tag', async () => {
    const keys = customers('wmTagged', 10);
    await CustomerModel.insertMany(keys.map((key) => ({ ...key, session: 1, tier: 'normal', tags: [] })));
    const results = await Promise.all(
      keys.flatMap((key) => [
        changeProfile(key, { add: ['门锁用户'] }, { userId: 'zhangsan', role: 'agent' }),
        changeProfile(key, { add: ['老客户'] }, { userId: 'lisi', role: 'agent' }),
      ]),
    );
    assert.ok(results.every((r) => r?.changed));
    const stored = await CustomerModel.find({ openKfId: OPEN_KF_ID, externalUserId: /^wmTagged/ }).lean();
    assert.deepEqual(
      stored.map((doc) => [...doc.tags].sort()),
      keys.map(() => ['老客户', '门锁用户']),
    );
  });

  it('the next session starts with what the previous one left; a customer document’s copy only if it is that session’s', async () => {
    const key = { openKfId: OPEN_KF_ID, externalUserId: 'wmHandover' };
    const id = (session: number) => conversationWorkflowId(key.openKfId, key.externalUserId, session);
    const legacy = { lastAgentId: 'wangwu', lastSession: closed(id(1), 'wangwu') };

    // Before any session left a document of its own: the customer document's copy, when it is session 1's.
    assert.deepEqual(
      handedOver({ ...key, session: 2 }, legacy, await previousSessionContext(key.openKfId, key.externalUserId, 2)),
      legacy,
    );
    // Session 2 left nothing (it ended without closing): session 1's context is not taken for the last one.
    assert.deepEqual(
      handedOver({ ...key, session: 3 }, legacy, await previousSessionContext(key.openKfId, key.externalUserId, 3)),
      {
        lastAgentId: 'wangwu',
        lastSession: undefined,
      },
    );

    await keepSessionContext(id(3), key, { lastAgentId: 'zhangsan' });
    await keepSessionContext(id(3), key, { lastSession: closed(id(3), 'zhangsan') });
    const previous = await previousSessionContext(key.openKfId, key.externalUserId, 4);
    // As the conversation receives it (JSON: an absent field and an undefined one are the same).
    assert.deepEqual(JSON.parse(JSON.stringify(handedOver({ ...key, session: 4 }, legacy, previous))), {
      lastAgentId: 'zhangsan',
      lastSession: closed(id(3), 'zhangsan'),
    });
    assert.equal(await previousSessionContext(key.openKfId, key.externalUserId, 1), null, 'nothing before the first');
    assert.equal(await SessionContextModel.countDocuments({ externalUserId: 'wmHandover' }), 1);
  });
});

// The KPI counters' writes on the real store (FerretDB applies an update as read, modify, write and
// loses updates that overlap on one document, db/kpiCounters.ts): many increments of one cell at
// once are all counted, in fewer writes than increments, and each caller's increment is written
// before its call returns; a write that keeps failing fails every caller whose increment it held.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addCounts, countersOf } from '../../db/kpiCounters';
import { KpiCounterModel } from '../../db/models/kpiCounter';
import { connectTestMongo, dropTestMongo } from '../support/servers';

const cell = { day: '2026-12-07', openKfId: 'wkCounters', agentId: '', skill: 'billing', entryId: '' };
const total = async () =>
  (await countersOf('2026-12-07', '2026-12-07', { openKfId: 'wkCounters' })).reduce(
    (sum, c) => sum + (c.counts.conversations ?? 0),
    0,
  );

describe('KPI counter writes', () => {
  before(() => connectTestMongo('kpicounters'));
  after(dropTestMongo);

  it('200 increments of one cell at once: all counted, in fewer writes, each written when its call returns', async () => {
    const collection = KpiCounterModel.collection;
    const updateOne = collection.updateOne.bind(collection);
    let writes = 0;
    collection.updateOne = ((...args: Parameters<typeof updateOne>) => {
      writes += 1;
      return updateOne(...args);
    }) as typeof collection.updateOne;
    try {
      // The k-th call to return finds at least k counted: its own increment was written before it returned.
      let returned = 0;
      const seen: [number, number][] = [];
      await Promise.all(
        Array.from({ length: 200 }, async () => {
          await addCounts([{ cell, inc: { conversations: 1 } }]);
          const mine = ++returned;
          seen.push([mine, await total()]);
        }),
      );
      assert.equal(await total(), 200);
      assert.ok(writes < 200, `${writes} writes for 200 increments`);
      assert.deepEqual(
        seen.filter(([mine, counted]) => counted < mine),
        [],
      );
    } finally {
      collection.updateOne = updateOne;
    }
  });

  it('a write that keeps failing fails its callers (after its retries), and the next ones are written', async () => {
    const collection = KpiCounterModel.collection;
    const updateOne = collection.updateOne.bind(collection);
    collection.updateOne = (() => Promise.reject(new Error('store down'))) as typeof collection.updateOne;
    const outcomes = await Promise.allSettled([
      addCounts([{ cell, inc: { conversations: 1 } }]),
      addCounts([{ cell, inc: { conversations: 1 } }]),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status === 'rejected' && String(o.reason)),
      ['Error: store down', 'Error: store down'],
    );
    collection.updateOne = updateOne;
    await addCounts([{ cell, inc: { conversations: 5 } }]);
    assert.equal(await total(), 205);
  });
});

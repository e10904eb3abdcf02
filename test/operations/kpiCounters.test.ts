// The KPI counters' writes on the real store (FerretDB applies an update as read, modify, write and
// loses updates that overlap on one document, db/kpiCounters.ts): many increments of one cell at
// once are all counted, in fewer writes than increments, and each caller's increment is written
// before its call returns; the cells of one call go in one round trip; a cell whose update keeps
// failing fails only the callers whose increments it held, does not hold the other cells' writes,
// and the updates that were applied are not sent again.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { addCounts, countersOf } from '../../db/kpiCounters';
import { KpiCounterModel } from '../../db/models/kpiCounter';
import { connectTestMongo, dropTestMongo } from '../support/servers';

const cell = { day: '2026-12-07', openKfId: 'wkCounters', agentId: '', skill: 'billing', entryId: '' };
const total = async (openKfId = 'wkCounters', counter = 'conversations') =>
  (await countersOf('2026-12-07', '2026-12-07', { openKfId })).reduce((sum, c) => sum + (c.counts[counter] ?? 0), 0);

type BulkWrite = typeof KpiCounterModel.collection.bulkWrite;
const collection = KpiCounterModel.collection;
const bulkWrite: BulkWrite = collection.bulkWrite.bind(collection);
/** Every bulk write the counters send, with how many updates it held. */
let writes: number[] = [];
function countWrites(through: BulkWrite = bulkWrite): void {
  collection.bulkWrite = ((operations, options) => {
    writes.push(operations.length);
    return through(operations, options);
  }) as BulkWrite;
}

describe('KPI counter writes', () => {
  before(() => connectTestMongo('kpicounters'));
  afterEach(() => {
    collection.bulkWrite = bulkWrite;
    writes = [];
  });
  after(dropTestMongo);

  it('200 increments of one cell at once: all counted, in fewer writes, each written when its call returns', async () => {
    countWrites();
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
    assert.ok(writes.length < 200, `${writes.length} writes for 200 increments`);
    assert.deepEqual(
      seen.filter(([mine, counted]) => counted < mine),
      [],
    );
  });

  it("a first message's three cells, and other calls' cells meanwhile, go in one round trip each", async () => {
    countWrites();
    const account = { ...cell, openKfId: 'wkThree', skill: '' };
    const cells = [account, { ...account, skill: 'billing' }, { ...account, entryId: 'faq-1' }];
    await addCounts(cells.map((c) => ({ cell: c, inc: { bot_first_responses: 1 } })));
    assert.deepEqual(writes, [3]);
    // 30 calls at once, each counting in the three cells: every cell is one update in each write.
    writes = [];
    await Promise.all(
      Array.from({ length: 30 }, () => addCounts(cells.map((c) => ({ cell: c, inc: { bot_first_responses: 1 } })))),
    );
    assert.ok(writes.length <= 2, `${writes.length} writes: ${writes.join(', ')}`);
    assert.ok(writes.every((n) => n === 3));
    assert.equal(await total('wkThree', 'bot_first_responses'), 31 * 3);
  });

  it('a cell that keeps failing fails only its callers (after its retries), holds no other cell, and the applied updates are not sent again', async () => {
    const broken = { ...cell, openKfId: 'wkBroken' };
    const fine = { ...cell, openKfId: 'wkFine' };
    // The store refuses every update of the broken cell's document, and applies the others (as an
    // unordered bulk write does, naming the failed updates by index).
    countWrites(async (operations, options) => {
      const refused = operations.flatMap((op, index) =>
        JSON.stringify(op).includes('wkBroken') ? [{ index, code: 2, errmsg: 'refused' }] : [],
      );
      const applied = operations.filter((op) => !JSON.stringify(op).includes('wkBroken'));
      if (applied.length > 0) await bulkWrite(applied, options);
      if (refused.length > 0) throw Object.assign(new Error('refused'), { writeErrors: refused });
      return undefined as never;
    });
    const calls = Promise.allSettled([
      addCounts([
        { cell: fine, inc: { conversations: 1 } },
        { cell: broken, inc: { conversations: 1 } },
      ]),
      addCounts([{ cell: broken, inc: { conversations: 1 } }]),
      addCounts([{ cell: fine, inc: { conversations: 1 } }]),
    ]);
    // While the broken cell waits for its next try, another cell is written at once.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await addCounts([{ cell: fine, inc: { conversations: 1 } }]);
    const waited = performance.now() - started;
    assert.ok(waited < 300, `the fine cell waited ${Math.round(waited)} ms`);
    const outcomes = await calls;
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['rejected', 'rejected', 'fulfilled'],
    );
    // The three calls' two cells in one write, the later call's cell alone, then three retries of
    // the broken one alone.
    assert.deepEqual(writes, [2, 1, 1, 1, 1]);
    collection.bulkWrite = bulkWrite;
    assert.equal(await total('wkFine'), 3);
    assert.equal(await total('wkBroken'), 0);
    await addCounts([{ cell: broken, inc: { conversations: 5 } }]);
    assert.equal(await total('wkBroken'), 5);
  });

  it('a store that is down fails every caller, and the next calls are written', async () => {
    countWrites(() => Promise.reject(new Error('store down')));
    const outcomes = await Promise.allSettled([
      addCounts([{ cell, inc: { conversations: 1 } }]),
      addCounts([{ cell, inc: { conversations: 1 } }]),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status === 'rejected' && String(o.reason)),
      ['Error: store down', 'Error: store down'],
    );
    collection.bulkWrite = bulkWrite;
    await addCounts([{ cell, inc: { conversations: 5 } }]);
    assert.equal(await total(), 205);
  });
});

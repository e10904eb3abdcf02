// Importing customers' tiers and tags into the real database (FerretDB): CSV and JSON create and
// update customer records, a second run of the same file changes nothing, bad rows are reported
// with their reasons while the good ones go in, a row without openKfId is for every kf account, and
// `npm run customers:import` prints its progress and summary as a process of its own.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { importCustomers, type ImportProgress } from '../../customers/import';
import { rowsFromCsv, rowsFromJson } from '../../customers/importRows';
import { CustomerModel } from '../../db/models/customer';
import { EventModel } from '../../db/models/event';
import { KfAccountModel } from '../../db/models/kfAccount';
import { parseServiceLevels } from '../../config/serviceLevels';
import { connectTestMongo, dropTestMongo } from '../support/servers';

const ROOT = path.resolve(__dirname, '..', '..');
const levels = parseServiceLevels(JSON.parse(fs.readFileSync(path.join(ROOT, 'kb', 'service-levels.json'), 'utf8')));
const profile = async (openKfId: string, externalUserId: string) => {
  const doc = await CustomerModel.findOne({ openKfId, externalUserId }).lean();
  return doc && { tier: doc.tier, tags: doc.tags, session: doc.session };
};

describe('customer import', () => {
  let uri: string;
  before(async () => {
    uri = await connectTestMongo('import');
  });
  after(() => dropTestMongo());

  it('creates and updates from CSV; the same file again changes nothing', async () => {
    // A customer who has written before keeps their session and their tags from WeCom.
    await CustomerModel.create({
      openKfId: 'wkImp',
      externalUserId: 'wmKnown',
      session: 3,
      tier: 'normal',
      tags: ['scene:order_page', '旧标签'],
    });
    const csv = [
      'openKfId,externalUserId,tier,tags',
      'wkImp,wmKnown,vip,年费会员;-旧标签',
      'wkImp,wmNew1,svip,"老客户,门锁用户"',
      'wkImp,wmNew2,,',
    ].join('\n');
    const progress: ImportProgress[] = [];
    const first = await importCustomers(rowsFromCsv(levels, csv), {
      by: 'test',
      source: 'a.csv',
      batchSize: 2,
      onProgress: (p) => progress.push({ ...p }),
    });
    assert.deepEqual(
      { ...first, rejectedRows: first.rejectedRows.length },
      { done: 3, rows: 3, created: 2, updated: 1, unchanged: 0, rejected: 0, rejectedRows: 0 },
    );
    assert.deepEqual(
      progress.map((p) => p.done),
      [2, 3],
      'a progress report per batch',
    );
    assert.deepEqual(await profile('wkImp', 'wmKnown'), {
      tier: 'vip',
      tags: ['scene:order_page', '年费会员'],
      session: 3,
    });
    assert.deepEqual(await profile('wkImp', 'wmNew1'), { tier: 'svip', tags: ['老客户', '门锁用户'], session: 1 });
    assert.deepEqual(await profile('wkImp', 'wmNew2'), { tier: 'normal', tags: [], session: 1 });

    const again = await importCustomers(rowsFromCsv(levels, csv), { by: 'test', source: 'a.csv' });
    assert.deepEqual(
      [again.created, again.updated, again.unchanged, again.rejected],
      [0, 0, 3, 0],
      'idempotent: nothing written the second time',
    );
    assert.equal(await CustomerModel.countDocuments({ openKfId: 'wkImp' }), 3, 'no duplicates');
    const events = await EventModel.find({ type: 'customers_imported' }).sort({ at: 1 }).lean();
    assert.deepEqual(
      events.map((e) => [e.data.source, e.data.created, e.data.updated, e.data.unchanged]),
      [
        ['a.csv', 2, 1, 0],
        ['a.csv', 0, 0, 3],
      ],
    );
  });

  it('takes JSON rows, reports the bad ones with their reasons, and puts the good ones in', async () => {
    const summary = await importCustomers(
      rowsFromJson(levels, [
        { openKfId: 'wkJson', externalUserId: 'wmJ1', tier: 'vip', tags: ['老客户'] },
        { openKfId: 'wkJson', externalUserId: 'wmJ2', tier: 'platinum' },
        { openKfId: 'wkJson', externalUserId: 'wmJ3', tags: ['ok', 'bad,tag'] },
        { openKfId: 'wkJson', tier: 'vip' },
        { openKfId: 'wkJson', externalUserId: 'wmJ1', tags: ['再次购买'] },
      ]),
      { by: 'test', source: 'b.json' },
    );
    assert.deepEqual([summary.created, summary.updated, summary.rejected], [1, 0, 3]);
    assert.deepEqual(
      summary.rejectedRows.map((r) => [r.row, r.externalUserId, r.reason]),
      [
        [2, 'wmJ2', 'tier: must be one of normal, vip, svip (the tiers of the service levels)'],
        [3, 'wmJ3', 'tag “bad,tag”: a tag may not contain , ; | 、 or line breaks'],
        [4, undefined, 'externalUserId: is required'],
      ],
    );
    assert.deepEqual(await profile('wkJson', 'wmJ1'), {
      tier: 'vip',
      tags: ['老客户', '再次购买'],
      session: 1,
    });
    assert.equal(await profile('wkJson', 'wmJ2'), null, 'a rejected row writes nothing');
  });

  it('a row without openKfId is for the customer on every kf account, and refused while none is known', async () => {
    const row = [{ externalUserId: 'wmAll', tier: 'vip' }];
    const none = await importCustomers(rowsFromJson(levels, row), { by: 'test', source: 'c.json' });
    assert.equal(none.rejected, 1);
    assert.match(none.rejectedRows[0]!.reason, /give the row an openKfId/);

    await KfAccountModel.create([{ openKfId: 'wkOne' }, { openKfId: 'wkTwo' }]);
    await CustomerModel.create({ openKfId: 'wkOne', externalUserId: 'wmAll', session: 2, tier: 'normal', tags: [] });
    const all = await importCustomers(rowsFromJson(levels, row), { by: 'test', source: 'c.json' });
    assert.deepEqual([all.created, all.updated, all.rejected], [1, 1, 0]);
    assert.equal((await profile('wkOne', 'wmAll'))?.tier, 'vip');
    assert.equal((await profile('wkTwo', 'wmAll'))?.tier, 'vip');
  });

  it('npm run customers:import prints its progress and a summary, and exits 1 when rows were rejected', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'customers-import-'));
    const file = path.join(dir, 'vip.csv');
    fs.writeFileSync(file, 'externalUserId,openKfId,tier,tags\nwmCli1,wkCli,vip,老客户\nwmCli2,wkCli,gold,\n');
    const run = () =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(ROOT, 'customers', 'cli.ts'), file], {
        cwd: ROOT,
        env: { ...process.env, MONGODB_URI: uri, LOG_LEVEL: 'silent' },
      }).then(
        (done) => ({ code: 0, ...done }),
        (failed: { code: number; stdout: string; stderr: string }) => failed,
      );
    const first = await run();
    assert.equal(first.code, 1, 'a row was rejected');
    assert.match(first.stderr, /imported 2\/2 rows: 1 created, 0 updated, 0 unchanged, 1 rejected/);
    assert.match(first.stdout, /created\s+1/);
    assert.match(first.stdout, /row 2 \(wmCli2\): tier: must be one of normal, vip, svip/);
    assert.equal((await profile('wkCli', 'wmCli1'))?.tier, 'vip');

    fs.writeFileSync(file, 'externalUserId,openKfId,tier,tags\nwmCli1,wkCli,vip,老客户\n');
    const second = await run();
    assert.equal(second.code, 0);
    assert.match(second.stdout, /created\s+0\n\s+updated\s+0\n\s+unchanged 1\n\s+rejected\s+0/);

    fs.writeFileSync(path.join(dir, 'bad.csv'), 'externalUserId,level\nwm1,vip\n');
    const unreadable = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'customers', 'cli.ts'), path.join(dir, 'bad.csv')],
      { cwd: ROOT, env: { ...process.env, MONGODB_URI: uri } },
    ).catch((failed: { code: number; stderr: string }) => failed);
    assert.equal((unreadable as { code: number }).code, 2);
    assert.match((unreadable as { stderr: string }).stderr, /unknown column level/);
  });
});

// The rules of a customer's profile as tables: which tiers exist, what a tag may be, how a change
// applies, WeCom's entry points and contact tags as tags, and the limit that WeCom's own tags
// cannot push a profile past. Then the rows of an import, from CSV and JSON.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readCsv } from '../../customers/csv';
import { rowsFromCsv, rowsFromJson } from '../../customers/importRows';
import {
  MAX_TAGS,
  changedTags,
  contactTags,
  profileChangeSchema,
  sceneTags,
  tagLimitProblem,
  tagSchema,
  tiersOf,
  withinTagLimit,
} from '../../domain/customerProfile';
import { parseServiceLevels } from '../../config/serviceLevels';

const levels = parseServiceLevels({ tiers: { normal: {}, vip: {}, svip: {} } });

describe('customer profile rules', () => {
  it('the tiers are normal and the service levels’ tiers', () => {
    assert.deepEqual(tiersOf(levels), ['normal', 'vip', 'svip']);
    assert.deepEqual(tiersOf(parseServiceLevels({ tiers: { gold: {} } })), ['normal', 'gold']);
    assert.deepEqual(tiersOf(undefined), ['normal']);
  });

  it('what a tag may be', () => {
    const cases: [string, string | true][] = [
      ['老客户', true],
      ['  门锁用户 ', true],
      ['scene:order_page', true],
      ['', 'may not be empty'],
      ['   ', 'may not be empty'],
      ['x'.repeat(65), 'at most 64 characters'],
      ['a,b', 'may not contain'],
      ['a;b', 'may not contain'],
      ['甲、乙', 'may not contain'],
      ['a\nb', 'may not contain'],
      ['a\u0000b', 'may not contain'],
      ['-tag', 'may not start with -'],
    ];
    for (const [tag, expected] of cases) {
      const parsed = tagSchema.safeParse(tag);
      if (expected === true) assert.ok(parsed.success, JSON.stringify(tag));
      else assert.match(parsed.error?.issues[0]?.message ?? '', new RegExp(expected), JSON.stringify(tag));
    }
  });

  it('a change says what changes, with a known tier and no tag both added and removed', () => {
    const schema = profileChangeSchema(levels);
    const cases: [unknown, string | true][] = [
      [{ add: ['老客户'] }, true],
      [{ remove: ['老客户'] }, true],
      [{ tier: 'vip' }, true],
      [{ tier: 'vip', add: ['a'], remove: ['b'] }, true],
      [{}, 'say what changes'],
      [{ add: [] }, 'say what changes'],
      [{ tier: 'gold' }, 'must be one of normal, vip, svip'],
      [{ add: ['a'], remove: ['a'] }, 'both added and removed'],
      [{ add: 'a' }, 'expected array'],
      [{ add: ['a'], agentId: 'lisi' }, 'Unrecognized key'],
      [{ add: Array.from({ length: MAX_TAGS + 1 }, (_, i) => `t${i}`) }, 'Too big'],
    ];
    for (const [body, expected] of cases) {
      const parsed = schema.safeParse(body);
      if (expected === true) assert.ok(parsed.success, JSON.stringify(body));
      else
        assert.match(
          parsed.error?.issues.map((i) => i.message).join('; ') ?? 'accepted',
          new RegExp(expected, 'i'),
          JSON.stringify(body),
        );
    }
  });

  it('tags change by adding at the end and removing, never twice', () => {
    const cases: [string[], string[], string[], string[]][] = [
      [[], ['a'], [], ['a']],
      [['a'], ['a'], [], ['a']],
      [['a', 'b'], ['c'], ['a'], ['b', 'c']],
      [['a'], [], ['x'], ['a']],
      [['a'], ['b', 'b'], [], ['a', 'b']],
    ];
    for (const [current, add, remove, expected] of cases)
      assert.deepEqual(changedTags(current, add, remove), expected, JSON.stringify([current, add, remove]));
  });

  it('a person cannot take a customer past the tag limit; removing is always allowed', () => {
    const full = Array.from({ length: MAX_TAGS }, (_, i) => `t${i}`);
    assert.match(tagLimitProblem(full, ['one more']) ?? '', /at most 50 tags \(this one would have 51\)/);
    assert.equal(tagLimitProblem(full, ['t1']), undefined, 'already there');
    assert.equal(tagLimitProblem(full, ['new'], ['t1']), undefined, 'one out, one in');
    assert.equal(tagLimitProblem([...full, 'extra'], [], ['t1']), undefined);
  });

  it('WeCom’s entry point and the corp’s contact tags become valid tags', () => {
    assert.deepEqual(sceneTags('order_page', 'order-123'), ['scene:order_page', 'scene_param:order-123']);
    assert.deepEqual(sceneTags('sandbox', ''), ['scene:sandbox']);
    assert.deepEqual(sceneTags(undefined, undefined), []);
    assert.deepEqual(sceneTags('a,b', 'x;y\nz'), ['scene:a_b', 'scene_param:x_y_z']);
    assert.equal(sceneTags('s', 'p'.repeat(200))[1]!.length, 64);
    for (const tag of sceneTags('a|b', `${'长'.repeat(80)}`)) assert.ok(tagSchema.safeParse(tag).success, tag);
    assert.deepEqual(contactTags(['高价值', '高价值', '天猫', ' ']), ['wecom:高价值', 'wecom:天猫']);
  });

  it('tags WeCom keeps adding cannot grow a profile past the limit: the oldest entry points go', () => {
    const own = Array.from({ length: 45 }, (_, i) => `own${i}`);
    const scenes = Array.from({ length: 8 }, (_, i) => `scene_param:p${i}`);
    const kept = withinTagLimit([...own.slice(0, 20), ...scenes, ...own.slice(20)]);
    assert.equal(kept.length, MAX_TAGS);
    assert.deepEqual(
      kept.filter((t) => t.startsWith('scene_param:')),
      ['scene_param:p3', 'scene_param:p4', 'scene_param:p5', 'scene_param:p6', 'scene_param:p7'],
    );
    assert.ok(
      own.every((tag) => kept.includes(tag)),
      'people’s tags stay',
    );
    assert.deepEqual(withinTagLimit(['a', 'b']), ['a', 'b']);
  });
});

describe('import rows', () => {
  it('reads CSV as Excel writes it: BOM, quotes, commas and lines inside quotes, CRLF, blank lines', () => {
    const text = '\uFEFFexternalUserId,tags\r\nwm1,"a,b"\r\n\r\nwm2,"say ""hi""\nthere"\nwm3,';
    assert.deepEqual(readCsv(text), [
      { line: 1, fields: ['externalUserId', 'tags'] },
      { line: 2, fields: ['wm1', 'a,b'] },
      { line: 4, fields: ['wm2', 'say "hi"\nthere'] },
      { line: 6, fields: ['wm3', ''] },
    ]);
    assert.throws(() => readCsv('a,b\n"open'), /never closed/);
  });

  it('checks each CSV row on its own and says why a row is rejected', () => {
    const csv = [
      'open_kfid,external_userid,tier,tags',
      'wkA,wmOk1,vip,老客户;年费会员',
      ',wmOk2,,门锁用户|-旧标签',
      'wkA,wmBadTier,gold,',
      'wkA,wm bad,normal,',
      'wkA,wmBadTag,normal,"a,x'.concat('y'.repeat(70), '"'),
      'wkA,wmShort',
      'wkA,wmBoth,normal,a;-a',
    ].join('\n');
    const read = rowsFromCsv(levels, csv);
    assert.deepEqual(read.rows, [
      { row: 1, openKfId: 'wkA', externalUserId: 'wmOk1', tier: 'vip', add: ['老客户', '年费会员'], remove: [] },
      { row: 2, externalUserId: 'wmOk2', tier: undefined, add: ['门锁用户'], remove: ['旧标签'] },
    ]);
    assert.deepEqual(
      read.rejected.map((r) => [r.row, r.reason]),
      [
        [3, 'tier: must be one of normal, vip, svip (the tiers of the service levels)'],
        [4, 'externalUserId: must be WeCom’s external_userid (1–64 letters, digits, _ or -)'],
        [5, `tag “x${'y'.repeat(70)}”: a tag has at most 64 characters`],
        [6, 'line 7 has 2 fields where the header has 4'],
        [7, 'tags: a tag cannot be both added and removed'],
      ],
    );
  });

  it('refuses a file whose header it cannot read, before any row', () => {
    assert.throws(() => rowsFromCsv(levels, ''), /empty/);
    assert.throws(() => rowsFromCsv(levels, 'externalUserId,level\nwm1,vip'), /unknown column level/);
    assert.throws(() => rowsFromCsv(levels, 'tier,tags\nvip,a'), /no externalUserId column/);
  });

  it('reads JSON rows with tag lists, refusing unknown fields row by row', () => {
    const read = rowsFromJson(levels, {
      rows: [
        { externalUserId: 'wmJ1', tier: 'svip', tags: ['a', '-b'] },
        { externalUserId: 'wmJ2', level: 'vip' },
        'not a row',
        { externalUserId: 'wmJ3', tags: 'x;y' },
      ],
    });
    assert.deepEqual(
      read.rows.map((r) => [r.row, r.externalUserId, r.tier, r.add, r.remove]),
      [
        [1, 'wmJ1', 'svip', ['a'], ['b']],
        [4, 'wmJ3', undefined, ['x', 'y'], []],
      ],
    );
    assert.deepEqual(
      read.rejected.map((r) => [r.row, r.reason]),
      [
        [2, 'unknown field level'],
        [3, 'a row is an object: { openKfId?, externalUserId, tier?, tags? }'],
      ],
    );
    assert.throws(() => rowsFromJson(levels, { customers: [] }), /array of rows/);
  });
});

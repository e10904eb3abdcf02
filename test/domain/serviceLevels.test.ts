// Service levels as tables: the level of a customer's tier (an unknown tier is served as normal,
// no configuration at all as the defaults), the business hours of a kf account (its own, else the
// default, else none), the shipped configuration, and errors that say where the file is wrong.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseServiceLevels } from '../../config/serviceLevels';
import { calendarOf, levelOf, type ServiceLevels } from '../../domain/serviceLevels';

const shipped = parseServiceLevels(
  JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../kb/service-levels.json'), 'utf8')),
);
const defaults = { handoffWhenNotUnderstood: false };

describe('service levels', () => {
  it('finds the level of a tier, falling back to normal, then to the defaults', () => {
    const levels = parseServiceLevels({
      tiers: { normal: { queueWaitSlaMs: 300_000 }, vip: { queueWaitSlaMs: 60_000, servedBy: ['senior'] } },
    });
    const withoutNormal = parseServiceLevels({ tiers: { vip: { firstResponseSlaMs: 30_000 } } });
    const cases: [string, ServiceLevels | undefined, string, object][] = [
      [
        'its own tier',
        levels,
        'vip',
        { handoffWhenNotUnderstood: false, queueWaitSlaMs: 60_000, servedBy: ['senior'] },
      ],
      ['normal', levels, 'normal', { handoffWhenNotUnderstood: false, queueWaitSlaMs: 300_000 }],
      [
        'an unknown tier is served as normal',
        levels,
        'diamond',
        { handoffWhenNotUnderstood: false, queueWaitSlaMs: 300_000 },
      ],
      ['no normal either: the defaults', withoutNormal, 'diamond', defaults],
      ['no tiers configured', parseServiceLevels({}), 'vip', defaults],
      ['no service levels at all', undefined, 'vip', defaults],
    ];
    for (const [what, config, tier, expected] of cases) assert.deepEqual(levelOf(config, tier), expected, what);
  });

  it('ships VIP and SVIP levels: handoff when not understood, their own SLAs, senior agents only', () => {
    assert.deepEqual(levelOf(shipped, 'normal'), defaults);
    const vip = levelOf(shipped, 'vip');
    assert.deepEqual(
      [vip.handoffWhenNotUnderstood, vip.queueWaitSlaMs, vip.firstResponseSlaMs, vip.servedBy],
      [true, 60_000, 60_000, ['senior', 'supervisor']],
    );
    assert.equal(levelOf(shipped, 'svip').firstResponseSlaMs, 30_000);
    assert.equal(calendarOf(shipped, 'wkAny'), undefined, 'no business hours shipped: always open');
  });

  it('takes a kf account’s own business hours, else the default, else none', () => {
    const levels = parseServiceLevels({
      businessHours: {
        default: { week: { '1': ['09:00-18:00'] } },
        wkNight: { utcOffsetMinutes: 0, week: { '1': ['20:00-23:00'] }, holidays: ['2026-12-25'] },
      },
    });
    assert.deepEqual(calendarOf(levels, 'wkNight'), {
      utcOffsetMinutes: 0,
      week: { '1': ['20:00-23:00'] },
      holidays: ['2026-12-25'],
      extraDays: {},
    });
    assert.deepEqual(calendarOf(levels, 'wkOther'), {
      utcOffsetMinutes: 480, // China Standard Time unless said otherwise
      week: { '1': ['09:00-18:00'] },
      holidays: [],
      extraDays: {},
    });
    assert.equal(
      calendarOf(parseServiceLevels({ businessHours: { wkNight: levels.businessHours.wkNight } }), 'wk2'),
      undefined,
    );
    assert.equal(calendarOf(undefined, 'wk1'), undefined);
  });

  it('says where the configuration is wrong', () => {
    const cases: [unknown, RegExp][] = [
      [
        { businessHours: { default: { week: { '1': ['9-18'] } } } },
        /^levels\.json: businessHours\.default\.week\.1\.0: hours look like 09:00-18:00$/,
      ],
      [{ businessHours: { default: { week: {}, holidays: ['25/12/2026'] } } }, /businessHours\.default\.holidays\.0/],
      [{ tiers: { vip: { servedBy: ['intern'] } } }, /tiers\.vip\.servedBy\.0/],
      [{ tiers: { vip: { queueWaitSlaMs: -1 } } }, /tiers\.vip\.queueWaitSlaMs/],
    ];
    for (const [json, message] of cases) assert.throws(() => parseServiceLevels(json, 'levels.json'), { message });
  });
});

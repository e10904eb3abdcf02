// Business hours as tables: open or closed at a moment, the next opening, and durations counted in
// business time over lunch breaks, nights, weekends, holidays and make-up working days, all in the
// kf account's local time (China Standard Time here), whatever day it is in UTC.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addBusinessTime,
  describeOpening,
  isOpen,
  nextOpening,
  type BusinessCalendar,
} from '../../domain/businessHours';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** A local time in China Standard Time, 'YYYY-MM-DD HH:mm'. */
const cst = (local: string) => Date.parse(`${local.replace(' ', 'T')}:00+08:00`);
/** Back to local time, for readable failures. */
const local = (at: number | undefined) =>
  at === undefined ? 'never' : new Date(at + 8 * HOUR).toISOString().slice(0, 16).replace('T', ' ');

const weekdays = ['09:00-12:00', '13:00-18:00'];
// 2026-11-27 is a Friday. National Day: 2026-10-01 (Thursday) to 10-07 closed, Saturday 10-10 worked.
const office: BusinessCalendar = {
  utcOffsetMinutes: 480,
  week: { '1': weekdays, '2': weekdays, '3': weekdays, '4': weekdays, '5': weekdays },
  holidays: ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
  extraDays: { '2026-10-10': ['09:00-18:00'] },
};

describe('business hours', () => {
  it('is open within the day’s hours only: not before, not at closing, not over lunch, weekends or holidays', () => {
    const cases: [string, boolean][] = [
      ['2026-11-27 08:59', false],
      ['2026-11-27 09:00', true],
      ['2026-11-27 11:59', true],
      ['2026-11-27 12:00', false],
      ['2026-11-27 13:00', true],
      ['2026-11-27 17:59', true],
      ['2026-11-27 18:00', false],
      ['2026-11-28 10:00', false], // Saturday
      ['2026-11-29 10:00', false], // Sunday
      ['2026-10-01 10:00', false], // a holiday on a Thursday
      ['2026-10-08 10:00', true], // the first day back
      ['2026-10-10 09:30', true], // a make-up Saturday
      ['2026-10-10 18:30', false],
    ];
    for (const [at, open] of cases) assert.equal(isOpen(cst(at), office), open, at);
    assert.equal(isOpen(cst('2026-11-29 03:00'), undefined), true, 'no calendar: always open');
  });

  it('reads the weekday and the date in local time, not UTC', () => {
    // Monday 00:30 in Beijing is still Sunday in UTC.
    const mondayNight: BusinessCalendar = { utcOffsetMinutes: 480, week: { '1': ['00:00-02:00'] } };
    assert.equal(isOpen(cst('2026-11-30 00:30'), mondayNight), true);
    assert.equal(isOpen(cst('2026-11-29 00:30'), mondayNight), false);
    const newYork: BusinessCalendar = { utcOffsetMinutes: -300, week: { '5': ['09:00-17:00'] } };
    assert.equal(isOpen(Date.parse('2026-11-27T09:30:00-05:00'), newYork), true);
    assert.equal(isOpen(Date.parse('2026-11-27T08:30:00-05:00'), newYork), false);
    const holidayInBeijing: BusinessCalendar = { ...mondayNight, holidays: ['2026-11-30'] };
    assert.equal(isOpen(cst('2026-11-30 00:30'), holidayInBeijing), false);
  });

  it('next opening: now when open, after lunch, after the night, the weekend and the holidays', () => {
    const cases: [string, string][] = [
      ['2026-11-27 10:15', '2026-11-27 10:15'],
      ['2026-11-27 12:30', '2026-11-27 13:00'],
      ['2026-11-26 18:00', '2026-11-27 09:00'],
      ['2026-11-27 18:30', '2026-11-30 09:00'], // Friday evening → Monday
      ['2026-11-29 23:59', '2026-11-30 09:00'],
      ['2026-09-30 19:00', '2026-10-08 09:00'], // over the National Day holidays
      ['2026-10-09 18:30', '2026-10-10 09:00'], // to the make-up Saturday
    ];
    for (const [at, expected] of cases) assert.equal(local(nextOpening(cst(at), office)), expected, at);
    assert.equal(nextOpening(123, undefined), 123);
    assert.equal(nextOpening(cst('2026-11-27 10:00'), { utcOffsetMinutes: 480, week: {} }), undefined, 'never open');
  });

  it('adds business time over lunch, nights, weekends, holidays and make-up days', () => {
    const cases: [string, number, string][] = [
      ['2026-11-27 10:00', 1 * HOUR, '2026-11-27 11:00'],
      ['2026-11-27 11:00', 2 * HOUR, '2026-11-27 14:00'], // over lunch
      ['2026-11-26 17:30', 2 * HOUR, '2026-11-27 10:30'], // over the night
      ['2026-11-27 17:30', 2 * HOUR, '2026-11-30 10:30'], // over the weekend
      ['2026-11-28 15:00', 30 * MIN, '2026-11-30 09:30'], // starting while closed
      ['2026-11-27 12:30', 1 * MIN, '2026-11-27 13:01'],
      ['2026-11-30 09:00', 8 * HOUR, '2026-11-30 18:00'], // a whole day ends at closing, not the next morning
      ['2026-09-30 17:00', 13 * HOUR, '2026-10-09 14:00'], // 1 h, the holidays, 8 h on the 8th, 4 h on the 9th
      ['2026-09-30 17:00', 20 * HOUR, '2026-10-10 12:00'], // …and on into the make-up Saturday
    ];
    for (const [start, ms, expected] of cases)
      assert.equal(local(addBusinessTime(cst(start), ms, office)), expected, `${start} + ${ms / MIN} min`);
    assert.equal(addBusinessTime(1000, 5000, undefined), 6000, 'no calendar: plain time');
    assert.equal(addBusinessTime(1000, 5000, { utcOffsetMinutes: 480, week: {} }), 6000, 'never open: plain time');
  });

  it('takes a day’s hours in any order', () => {
    const unordered: BusinessCalendar = { utcOffsetMinutes: 480, week: { '5': ['13:00-18:00', '09:00-12:00'] } };
    assert.equal(local(nextOpening(cst('2026-11-27 08:00'), unordered)), '2026-11-27 09:00');
    assert.equal(local(addBusinessTime(cst('2026-11-27 08:00'), 4 * HOUR, unordered)), '2026-11-27 14:00');
  });

  it('tells the customer the opening as today, tomorrow or a date, by local days', () => {
    const cases: [string, string, string][] = [
      ['2026-11-30 07:00', '2026-11-30 09:00', '今天 09:00'], // still Sunday in UTC
      ['2026-11-29 23:00', '2026-11-30 09:00', '明天 09:00'],
      ['2026-11-27 18:30', '2026-11-30 09:00', '11月30日 09:00'],
      ['2026-09-30 19:00', '2026-10-08 09:00', '10月8日 09:00'],
    ];
    for (const [now, opening, said] of cases) assert.equal(describeOpening(cst(now), cst(opening), office), said);
  });
});

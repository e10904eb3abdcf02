// Business hours of a kf account as pure time arithmetic: whether the service is open at a moment,
// when it next opens, and a duration counted in business time (an SLA of two hours that starts at
// 17:30 falls due at 10:30 the next working day). Calendars use a fixed UTC offset (China has no
// daylight saving time), so the workflow needs no time-zone data and stays deterministic.

export interface BusinessCalendar {
  /** Minutes east of UTC: 480 for China Standard Time. */
  utcOffsetMinutes: number;
  /** Opening hours by ISO weekday (1 Monday … 7 Sunday): ['09:00-18:00', …]. A missing day is closed. */
  week: Partial<Record<'1' | '2' | '3' | '4' | '5' | '6' | '7', string[]>>;
  /** Whole days closed, local dates 'YYYY-MM-DD'. */
  holidays?: string[];
  /** Days open although the week says closed (make-up working days, 调休), with their hours. */
  extraDays?: Record<string, string[]>;
}

const DAY = 86_400_000;
const MINUTE = 60_000;

interface Interval {
  start: number;
  end: number;
}

function parseRange(range: string): [number, number] {
  const match = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(range.trim());
  if (!match) throw new Error(`business hours must look like 09:00-18:00 (got "${range}")`);
  const [, h1, m1, h2, m2] = match.map(Number) as [number, number, number, number, number];
  return [(h1 * 60 + m1) * MINUTE, (h2 * 60 + m2) * MINUTE];
}

/** The local calendar date of a moment: 'YYYY-MM-DD', ISO weekday, and the local midnight as epoch ms. */
function localDay(at: number, calendar: BusinessCalendar): { date: string; weekday: number; midnight: number } {
  const offset = calendar.utcOffsetMinutes * MINUTE;
  const local = at + offset;
  const midnightLocal = Math.floor(local / DAY) * DAY;
  const d = new Date(midnightLocal);
  const weekday = ((d.getUTCDay() + 6) % 7) + 1;
  return { date: d.toISOString().slice(0, 10), weekday, midnight: midnightLocal - offset };
}

/** The open intervals of the day containing `at`. */
function openIntervals(at: number, calendar: BusinessCalendar): Interval[] {
  const { date, weekday, midnight } = localDay(at, calendar);
  if (calendar.holidays?.includes(date)) return [];
  const ranges = calendar.extraDays?.[date] ?? calendar.week[String(weekday) as '1'] ?? [];
  return ranges.map(parseRange).map(([s, e]) => ({ start: midnight + s, end: midnight + e }));
}

export function isOpen(at: number, calendar: BusinessCalendar | undefined): boolean {
  if (!calendar) return true;
  return openIntervals(at, calendar).some((i) => at >= i.start && at < i.end);
}

/** The next moment the service is open (`at` itself when open); undefined if closed for a year. */
export function nextOpening(at: number, calendar: BusinessCalendar | undefined): number | undefined {
  if (!calendar) return at;
  for (let day = 0; day < 366; day++) {
    const probe = at + day * DAY;
    for (const interval of openIntervals(probe, calendar)) {
      if (interval.end <= at) continue;
      return Math.max(interval.start, at);
    }
  }
  return undefined;
}

/**
 * `start` plus `ms` of business time. Without a calendar, plain time. A calendar that is never open
 * counts plain time rather than never falling due.
 */
export function addBusinessTime(start: number, ms: number, calendar: BusinessCalendar | undefined): number {
  if (!calendar) return start + ms;
  let left = ms;
  let at = start;
  for (let day = 0; day < 366 * 2; day++) {
    const probe = start + day * DAY;
    for (const interval of openIntervals(probe, calendar)) {
      if (interval.end <= at) continue;
      const from = Math.max(interval.start, at);
      if (from + left <= interval.end) return from + left;
      left -= interval.end - from;
      at = interval.end;
    }
  }
  return start + ms;
}

/** When the service opens, said for a customer: 今天/明天 HH:mm, or M月D日 HH:mm. */
export function describeOpening(now: number, opening: number, calendar: BusinessCalendar): string {
  const offset = calendar.utcOffsetMinutes * MINUTE;
  const days = Math.floor((opening + offset) / DAY) - Math.floor((now + offset) / DAY);
  const local = new Date(opening + offset);
  const time = `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
  if (days === 0) return `今天 ${time}`;
  if (days === 1) return `明天 ${time}`;
  return `${local.getUTCMonth() + 1}月${local.getUTCDate()}日 ${time}`;
}

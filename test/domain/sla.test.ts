// Service levels as tables: what falls due next for a queued conversation, one with an agent, a
// ticket and the bot, and what a lapse leads to.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conversationSettings } from '../../domain/conversationSettings';
import {
  botDeadline,
  humanDeadline,
  nextAlertAt,
  onFirstResponseLapse,
  queueDeadline,
  reminderInterval,
  ticketDeadline,
  ticketDueAt,
} from '../../domain/sla';

const MIN = 60_000;
const HOUR = 60 * MIN;
const sla = conversationSettings(); // queue wait 2 min, first response 3 min, nudge 10 min, close 5 min

describe('SLA rules', () => {
  it('alerts at the deadline, then at most once per interval', () => {
    const cases: [number, number | undefined, number, number][] = [
      [100, undefined, 10, 100],
      [100, 100, 10, 110],
      [100, 105, 10, 115],
      [100, 50, 10, 100],
    ];
    for (const [deadline, last, interval, expected] of cases)
      assert.equal(nextAlertAt(deadline, last, interval), expected);
  });

  it('reminders double their interval, never below the SLA, never above an hour', () => {
    const cases: [number, number | undefined, number][] = [
      [2 * MIN, undefined, 2 * MIN],
      [2 * MIN, 1, 2 * MIN],
      [2 * MIN, 2, 4 * MIN],
      [2 * MIN, 4, 16 * MIN],
      [2 * MIN, 10, HOUR],
      [2 * HOUR, 3, 2 * HOUR],
    ];
    for (const [slaMs, alerts, expected] of cases) assert.equal(reminderInterval(slaMs, alerts), expected, `${alerts}`);
  });

  it('queue wait: the SLA after enqueueing, then reminders', () => {
    assert.deepEqual(queueDeadline({ queuedAt: 0 }, sla), { at: 2 * MIN, kind: 'queue_wait' });
    assert.equal(queueDeadline({ queuedAt: 0, lastAlertAt: 2 * MIN, alerts: 1 }, sla).at, 4 * MIN);
    assert.equal(queueDeadline({ queuedAt: 0, lastAlertAt: 4 * MIN, alerts: 2 }, sla).at, 8 * MIN);
  });

  it('with an agent: the first response first; idleness only once the agent has spoken', () => {
    const cases: [Parameters<typeof humanDeadline>[0], number, string][] = [
      [{ assignedAt: 0, lastActivityAt: 0 }, 3 * MIN, 'first_response'],
      [
        { assignedAt: 0, lastActivityAt: 0, lastFirstResponseAlertAt: 3 * MIN, firstResponseAlerts: 1 },
        6 * MIN,
        'first_response',
      ],
      [{ assignedAt: 0, agentRepliedAt: MIN, lastActivityAt: MIN }, 11 * MIN, 'idle_nudge'],
      [{ assignedAt: 0, agentRepliedAt: MIN, lastActivityAt: MIN, nudgedAt: 11 * MIN }, 16 * MIN, 'idle_close'],
    ];
    for (const [clock, at, kind] of cases) assert.deepEqual(humanDeadline(clock, sla), { at, kind });
  });

  it('a lapse reassigns while reassignments are left, then escalates', () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((n) => onFirstResponseLapse(n, sla)),
      ['reassign', 'reassign', 'reassign', 'escalate', 'escalate'],
    );
  });

  it('tickets fall due by their own priority, and again every period of it', () => {
    for (const [priority, hours] of [
      ['urgent', 4],
      ['high', 24],
      ['normal', 48],
      ['low', 72],
    ] as const) {
      const dueAt = ticketDueAt(0, priority, sla);
      assert.equal(dueAt, hours * HOUR);
      assert.equal(ticketDeadline({ dueAt, priority }, sla).at, hours * HOUR);
      assert.equal(ticketDeadline({ dueAt, priority, lastAlertAt: dueAt }, sla).at, 2 * hours * HOUR);
    }
  });

  it('the bot: silence after "did that help?" is a yes; a silent bot conversation closes', () => {
    assert.deepEqual(botDeadline({ since: 0, confirming: true }, sla), { at: 3 * MIN, kind: 'confirmation' });
    assert.deepEqual(botDeadline({ since: 0, confirming: false }, sla), { at: 15 * MIN, kind: 'bot_idle' });
  });
});

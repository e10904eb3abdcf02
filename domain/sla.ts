// Service levels as pure functions of the conversation's clock: what falls due next, and what a
// lapse leads to. The workflow sleeps until the deadline these return and acts on its kind, so
// every SLA rule is here, tested with tables, and nowhere else.
import { addBusinessTime, type BusinessCalendar } from './businessHours';
import type { ConversationSettings } from './conversationSettings';

export type SlaSettings = Pick<
  ConversationSettings,
  | 'queueWaitSlaMs'
  | 'firstResponseSlaMs'
  | 'maxReassignments'
  | 'humanIdleNudgeMs'
  | 'humanIdleCloseMs'
  | 'ticketDueHours'
> & {
  /** The kf account's business hours: SLA clocks count business time (domain/businessHours.ts). */
  calendar?: BusinessCalendar;
};

export type TicketPriority = keyof ConversationSettings['ticketDueHours'];

/** A deadline and what happens when it passes. */
export interface Due<K extends string> {
  at: number;
  kind: K;
}

/**
 * After a breach the alert repeats at most once per interval: the first alert at the deadline,
 * the next one interval after the last, so a supervisor is reminded, never flooded.
 */
export function nextAlertAt(deadline: number, lastAlertAt: number | undefined, interval: number): number {
  return lastAlertAt === undefined ? deadline : Math.max(deadline, lastAlertAt + Math.max(interval, 1));
}

// ---------------------------------------------------------------- queued

export interface QueueClock {
  queuedAt: number;
  /** When the queue-wait alert was last raised, and how many have been. */
  lastAlertAt?: number;
  alerts?: number;
}

/** The queue-wait SLA, then reminders at doubling intervals (a night with nobody online stays quiet). */
export function queueDeadline(clock: QueueClock, sla: SlaSettings): Due<'queue_wait'> {
  const interval = reminderInterval(sla.queueWaitSlaMs, clock.alerts);
  const due = addBusinessTime(clock.queuedAt, sla.queueWaitSlaMs, sla.calendar);
  return { at: nextAlertAt(due, clock.lastAlertAt, interval), kind: 'queue_wait' };
}

/** The search widens (any skill, the rapid-support group) once the wait is over the SLA. */
export const queueWidened = (clock: QueueClock, now: number, sla: SlaSettings): boolean =>
  now >= addBusinessTime(clock.queuedAt, sla.queueWaitSlaMs, sla.calendar);

// ---------------------------------------------------------------- human

export interface HumanClock {
  assignedAt: number;
  /** The agent's first reply; undefined while the customer waits for a person. */
  agentRepliedAt?: number;
  lastActivityAt: number;
  /** When the "still there?" nudge went out (reset by any activity). */
  nudgedAt?: number;
  /** When the first-response alert was last raised for this assignment, and how many have been. */
  lastFirstResponseAlertAt?: number;
  firstResponseAlerts?: number;
}

/** Repeated alerts double their interval up to this (never more than one per SLA interval). */
const REPEAT_ALERT_MAX_INTERVAL_MS = 3600_000;

/** The interval before the next reminder after `alerts` alerts: the SLA, doubling, at most an hour. */
export function reminderInterval(slaMs: number, alerts: number | undefined): number {
  const doubled = slaMs * 2 ** Math.max((alerts ?? 1) - 1, 0);
  return Math.max(Math.min(doubled, REPEAT_ALERT_MAX_INTERVAL_MS), slaMs);
}

export type HumanDueKind = 'first_response' | 'idle_nudge' | 'idle_close';

/** The first-response deadline (then one alert per interval), while the agent has not replied. */
export function firstResponseDue(clock: HumanClock, sla: SlaSettings): number | undefined {
  if (clock.agentRepliedAt !== undefined) return undefined;
  return nextAlertAt(
    addBusinessTime(clock.assignedAt, sla.firstResponseSlaMs, sla.calendar),
    clock.lastFirstResponseAlertAt,
    reminderInterval(sla.firstResponseSlaMs, clock.firstResponseAlerts),
  );
}

/** "Still there?" after a silence, and closing after as much again. */
export function idleDue(clock: HumanClock, sla: SlaSettings): Due<'idle_nudge' | 'idle_close'> {
  return clock.nudgedAt === undefined
    ? { at: clock.lastActivityAt + sla.humanIdleNudgeMs, kind: 'idle_nudge' }
    : { at: clock.nudgedAt + sla.humanIdleCloseMs, kind: 'idle_close' };
}

/**
 * The next deadline with an agent. Idleness counts only once the agent has spoken: before that the
 * silence is ours, and the customer is waiting, not gone.
 */
export function humanDeadline(clock: HumanClock, sla: SlaSettings): Due<HumanDueKind> {
  const firstResponse = firstResponseDue(clock, sla);
  if (firstResponse !== undefined) return { at: firstResponse, kind: 'first_response' };
  return idleDue(clock, sla);
}

/**
 * An agent let the first response lapse. While reassignments are left the conversation goes to
 * someone else (never back to anyone who let it lapse); after the last one it stays where it is
 * and is escalated: the alert repeats once per interval until someone answers or a supervisor acts.
 */
export function onFirstResponseLapse(reassignments: number, sla: SlaSettings): 'reassign' | 'escalate' {
  return reassignments < sla.maxReassignments ? 'reassign' : 'escalate';
}

// ---------------------------------------------------------------- ticket

export function ticketDueAt(from: number, priority: TicketPriority, sla: SlaSettings): number {
  return addBusinessTime(from, sla.ticketDueHours[priority] * 3600_000, sla.calendar);
}

export interface TicketClock {
  dueAt: number;
  priority: TicketPriority;
  lastAlertAt?: number;
}

/** The ticket's due time, then again every due period of its own priority while it stays open. */
export function ticketDeadline(clock: TicketClock, sla: SlaSettings): Due<'ticket_due'> {
  return {
    at: nextAlertAt(clock.dueAt, clock.lastAlertAt, sla.ticketDueHours[clock.priority] * 3600_000),
    kind: 'ticket_due',
  };
}

// ---------------------------------------------------------------- bot

export interface BotClock {
  /** When the bot last spoke or the customer last wrote: idleness counts from here. */
  since: number;
  /** The bot asked "did that help?" and waits for the answer. */
  confirming: boolean;
}

export type BotDueKind = 'confirmation' | 'bot_idle';

/** Bot timers are not service levels but the same kind of rule: silence after a question is a yes. */
export function botDeadline(
  clock: BotClock,
  settings: Pick<ConversationSettings, 'confirmationTimeoutMs' | 'botIdleCloseMs'>,
): Due<BotDueKind> {
  return clock.confirming
    ? { at: clock.since + settings.confirmationTimeoutMs, kind: 'confirmation' }
    : { at: clock.since + settings.botIdleCloseMs, kind: 'bot_idle' };
}

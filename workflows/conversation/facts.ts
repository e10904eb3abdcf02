// What the KPIs (domain/kpi.ts) need from a conversation, recorded as it happens: who had it
// first, whether the customer came back after an earlier session (and about the same topic), the
// bot's first reply, a person's first reply counted from the handoff, and at close what it was
// about, how long agents handled it, whether an SLA broke and whether the customer left the queue.
// Events and carried state only; the events are written by the records activity, so runs from
// before these facts (versions.kpiFacts) do not record them.
import type { FirstBotReply } from '../../activities/outbound';
import type { PreviousSession } from '../../domain/conversationEvents';
import type { Conversation } from './context';
import { versions } from './versions';

const MINUTE = 60_000;
/** A session closed longer ago than this is not a re-contact for any KPI (FCR looks 7 days ahead). */
const RECONTACT_HORIZON_MS = 7 * 24 * 60 * MINUTE;

/** The customer's previous session as the KPIs charge it, when it closed within the horizon. */
function previousSession(c: Conversation): PreviousSession | undefined {
  const last = c.d.customer.lastSession;
  if (!last || c.d.startedAt - last.closedAt > RECONTACT_HORIZON_MS) return undefined;
  return {
    conversationId: last.conversationId,
    closedAt: last.closedAt,
    closedReason: last.closedReason,
    ...(last.handoffReason ? { handoffReason: last.handoffReason } : {}),
    ...(last.servedBy ? { agentId: last.servedBy } : {}),
    ...(last.skill ? { skill: last.skill } : {}),
    ...(last.topic ? { topic: last.topic } : {}),
    ...(last.answered ? { answered: true } : {}),
    ...(last.abandoned ? { abandoned: true } : {}),
  };
}

const minutesSince = (c: Conversation, previous: PreviousSession) =>
  Math.max(0, Math.round((c.d.startedAt - previous.closedAt) / MINUTE));

/** The new session: who has it, and the re-contact it is for the previous one. */
export function noteOpened(c: Conversation, startedWith: 'bot' | 'queue' | 'agent'): void {
  if (!versions.kpiFacts()) return;
  c.records.add({ type: 'opened', startedWith });
  const previous = previousSession(c);
  if (previous) c.records.add({ type: 'recontact', previous, minutesSinceClose: minutesSince(c, previous) });
}

/** The conversation's topic is known (an answer, a handoff's intent): the same as last time? */
export function noteTopic(c: Conversation, topic: string | undefined): void {
  const facts = c.state.facts;
  if (!topic || facts.topicNoted || !versions.kpiFacts()) return;
  facts.topicNoted = true;
  const previous = previousSession(c);
  if (previous?.topic !== topic) return;
  c.records.add({ type: 'recontact_same_topic', previous, minutesSinceClose: minutesSince(c, previous), topic });
}

/**
 * Before a delivery with a bot message, while no bot message has reached the customer yet: the
 * delivery writes the first-response event itself, timed when it sends, so the answer needs no
 * record of its own after it. Undefined for runs from before that (versions.firstReplyWithDelivery).
 */
export function firstBotReplyForDelivery(c: Conversation): FirstBotReply | undefined {
  const facts = c.state.facts;
  if (facts.botReplied || !versions.kpiFacts() || !versions.firstReplyWithDelivery()) return undefined;
  return { eventId: c.records.nextEventId(), startedAt: c.d.startedAt, ...(c.d.skill ? { skill: c.d.skill } : {}) };
}

/**
 * After the bot's reply reached the customer: its first one is the bot's first response time,
 * already written when that delivery carried it (firstBotReplyForDelivery).
 */
export function noteBotReplied(c: Conversation, writtenByDelivery: boolean): void {
  const facts = c.state.facts;
  if (facts.botReplied || !versions.kpiFacts()) return;
  facts.botReplied = true;
  if (!writtenByDelivery) c.records.add({ type: 'bot_first_response', ms: Math.max(0, c.now() - c.d.startedAt) });
}

/** A person replied; the conversation's first person reply is also timed from the handoff. */
export function firstResponseEvent(c: Conversation, agentId: string | undefined, assignedAt: number) {
  const facts = c.state.facts;
  const fromHandoff =
    !facts.personReplied && c.d.handoff ? { sinceHandoffSeconds: Math.round((c.now() - c.d.handoff.at) / 1000) } : {};
  facts.personReplied = true;
  return {
    type: 'first_response' as const,
    agentId,
    seconds: Math.round((c.now() - assignedAt) / 1000),
    ...fromHandoff,
  };
}

/** What the conversation was about: the entry answered last, else the handoff's intent. */
export const topicOf = (c: Conversation): string | undefined => c.d.memory.lastAnsweredEntryId ?? c.d.handoff?.intent;

/** The closing facts (before the transition to closed ends the last human stretch). */
export function closingFacts(c: Conversation) {
  const d = c.d;
  const facts = c.state.facts;
  const ongoing = d.phase === 'human' && d.human ? Math.max(0, c.now() - d.human.assignedAt) : 0;
  const handledMs = facts.handledMs + ongoing;
  const topic = topicOf(c);
  return {
    ...(topic ? { topic } : {}),
    ...(facts.servedBy ? { servedBy: facts.servedBy } : {}),
    ...(handledMs > 0 ? { handlingSeconds: Math.round(handledMs / 1000) } : {}),
    ...(facts.slaBreached ? { slaBreached: true } : {}),
    ...(d.phase === 'queued' ? { abandoned: true } : {}),
    ...(d.memory.answeredEntryIds.length > 0 ? { answered: true } : {}),
  };
}

// Leaving the bot: the handoff card the agent will see (summary, reason, intent, the mood that led
// to it, the customer, how complex it looks), the event with its typed reason, and the conversation
// in the queue; outside business hours, a message left for the team instead. The summary is the
// model's when one is configured and answers, else domain/handoffSummary.ts's.
import { handoffSummary } from '../../domain/handoffSummary';
import type { HandoffReason } from '../../domain/policy';
import type { Understanding } from '../../domain/understanding';
import { replies } from '../../domain/replies';
import { summaries } from './activities';
import type { Conversation } from './context';
import { isOpen } from '../../domain/businessHours';
import { enqueue } from './assignment';
import { noteTopic } from './facts';
import { complexityNow } from './dispatch';
import { leaveMessage } from './leaveMessage';

export async function writeHandoffCard(
  c: Conversation,
  reason: HandoffReason,
  priority: number,
  understanding?: Understanding,
): Promise<void> {
  const d = c.d;
  // A request for a person that names a problem ("我的摄像头一直离线…给我找个人") routes to that problem's
  // skill; short of that, what the message seems to be about is a hint routing prefers.
  if (understanding?.namedProblem) d.skill = understanding.namedProblem.skill;
  const top = understanding?.candidates[0];
  if (top && !understanding?.gibberish && top.confidence >= c.policy.answerConfidence) d.skillHint = top.skill;
  // What the bot answered last, else its best guess when it was a fair one (not a stray match).
  const intent =
    d.memory.lastAnsweredEntryId ??
    (understanding && understanding.confidence >= c.policy.answerConfidenceWithQuestion
      ? understanding.entryId
      : undefined);
  const entryIds = [...new Set([...(intent ? [intent] : []), ...d.memory.answeredEntryIds])];
  const help = await summaries
    .buildHandoffCard({ reason, transcript: d.transcript, understanding, customer: d.customer, entryIds })
    .catch(() => undefined);
  const own = handoffSummary({
    reason,
    customerSaid: d.transcript.filter((t) => t.from === 'customer').map((t) => t.text),
    memory: d.memory,
    intent,
    understanding,
    entries: help?.entries ?? {},
    skills: help?.skills ?? {},
  });
  // The model's summary when it wrote one; otherwise ours (also for histories recorded before).
  const modelWritten = Boolean(help?.modelWritten && help.summary);
  const summary = modelWritten ? help!.summary! : own.text;
  d.handoff = {
    reason,
    priority,
    summary,
    modelWritten,
    intent,
    intentQuestion: intent ? help?.entries?.[intent]?.question : undefined,
    skill: d.skill ?? d.skillHint,
    sentiment: own.mood,
    sentimentTerms: own.moodTerms,
    customerTier: d.customer.tier,
    customerTags: d.customer.tags,
    nickname: d.customer.nickname,
    at: c.now(),
    complexity: complexityNow(c, reason),
  };
  const afterAnswer = d.memory.answeredEntryIds.length > 0;
  // After an answer, what matters to the review queue is the question that was answered.
  const question = afterAnswer ? (c.state.facts.answeredQuestion ?? understanding?.text) : understanding?.text;
  c.records.add({
    type: 'handoff',
    reason,
    priority,
    skill: d.skill ?? d.skillHint,
    summary,
    intent,
    ...(afterAnswer ? { afterAnswer } : {}),
    ...(question ? { question } : {}),
  });
  noteTopic(c, d.handoff.intent);
}

/** The bot hands the conversation to people: card, queue, the customer told, and a risk alerted. */
export async function handoff(
  c: Conversation,
  reason: HandoffReason,
  priority: number,
  understanding?: Understanding,
): Promise<void> {
  await writeHandoffCard(c, reason, priority, understanding);
  // Outside business hours nobody will take it today: the customer leaves a message (a ticket).
  if (!isOpen(c.now(), c.sla.calendar)) await leaveMessage(c, 'outside_hours');
  else {
    enqueue(c);
    await c.out.say({ text: reason === 'high_risk' ? replies.handoffUrgent : replies.handoff, from: 'system' });
  }
  if (reason === 'high_risk') await c.alertGroupOfRisk();
}

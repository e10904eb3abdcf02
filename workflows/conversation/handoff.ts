// Leaving the bot: the handoff card the agent will see (summary, reason, intent, the mood that led
// to it, the customer), the event with its typed reason, and the conversation in the queue. The
// summary is the model's when one is configured and answers, else domain/handoffSummary.ts's.
import { handoffSummary } from '../../domain/handoffSummary';
import type { HandoffReason } from '../../domain/policy';
import type { Understanding } from '../../domain/understanding';
import { replies } from '../../domain/replies';
import { brain } from './activities';
import type { Conversation } from './context';
import { enqueue } from './assignment';

export async function writeHandoffCard(
  c: Conversation,
  reason: HandoffReason,
  priority: number,
  understanding?: Understanding,
): Promise<void> {
  const d = c.d;
  // What the bot answered last, else its best guess when it was a fair one (not a stray match).
  const intent =
    d.memory.lastAnsweredEntryId ??
    (understanding && understanding.confidence >= c.policy.answerConfidenceWithQuestion
      ? understanding.entryId
      : undefined);
  const entryIds = [...new Set([...(intent ? [intent] : []), ...d.memory.answeredEntryIds])];
  const help = await brain
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
    skill: d.skill,
    sentiment: own.mood,
    sentimentTerms: own.moodTerms,
    customerTier: d.customer.tier,
    customerTags: d.customer.tags,
    nickname: d.customer.nickname,
    at: c.now(),
  };
  c.records.add({ type: 'handoff', reason, priority, skill: d.skill, summary, intent });
}

/** The bot hands the conversation to people: card, queue, and the customer told. */
export async function handoff(
  c: Conversation,
  reason: HandoffReason,
  priority: number,
  understanding?: Understanding,
): Promise<void> {
  await writeHandoffCard(c, reason, priority, understanding);
  enqueue(c);
  await c.out.say({ text: reason === 'high_risk' ? replies.handoffUrgent : replies.handoff, from: 'system' });
}

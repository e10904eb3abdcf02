// Leaving the bot: the handoff card the agent will see (summary, reason, intent, sentiment, the
// customer, how complex it looks), the event with its typed reason, and the conversation in the
// queue; outside business hours, a message left for the team instead.
import type { HandoffReason } from '../../domain/policy';
import type { Understanding } from '../../domain/understanding';
import { replies } from '../../domain/replies';
import { summaries } from './activities';
import type { Conversation } from './context';
import { isOpen } from '../../domain/businessHours';
import { enqueue } from './assignment';
import { complexityNow } from './dispatch';
import { leaveMessage } from './leaveMessage';

export async function writeHandoffCard(
  c: Conversation,
  reason: HandoffReason,
  priority: number,
  understanding?: Understanding,
): Promise<void> {
  const d = c.d;
  // The problem this very message seems to name ("my camera is offline… get me a person") is a hint
  // for routing: an agent with that skill is preferred, but it never keeps the customer waiting.
  const named = understanding?.candidates[0];
  if (named && !understanding?.gibberish && named.confidence >= c.policy.answerConfidence) d.skillHint = named.skill;
  const { summary, modelWritten } = await summaries
    .buildHandoffCard({ reason, transcript: d.transcript, understanding, customer: d.customer })
    .catch(() => ({ summary: extractiveSummary(c), modelWritten: false }));
  d.handoff = {
    reason,
    priority,
    summary,
    modelWritten,
    // What the bot answered last, else its best guess when it was a fair one (not a stray match).
    intent:
      d.memory.lastAnsweredEntryId ??
      (understanding && understanding.confidence >= c.policy.answerConfidenceWithQuestion
        ? understanding.entryId
        : undefined),
    skill: d.skill ?? d.skillHint,
    sentiment: understanding?.sentiment?.negative ? 'negative' : 'neutral',
    customerTier: d.customer.tier,
    customerTags: d.customer.tags,
    nickname: d.customer.nickname,
    at: c.now(),
    complexity: complexityNow(c, reason),
  };
  c.records.add({
    type: 'handoff',
    reason,
    priority,
    skill: d.skill ?? d.skillHint,
    summary,
    intent: d.handoff.intent,
  });
}

function extractiveSummary(c: Conversation): string {
  const said = c.d.transcript.filter((t) => t.from === 'customer').map((t) => t.text);
  return said.slice(-3).join(' / ') || '(no customer message yet)';
}

/** The bot hands the conversation to people: card, queue, and the customer told. */
export async function handoff(
  c: Conversation,
  reason: HandoffReason,
  priority: number,
  understanding?: Understanding,
): Promise<void> {
  await writeHandoffCard(c, reason, priority, understanding);
  // Outside business hours nobody will take it today: the customer leaves a message (a ticket).
  if (!isOpen(c.now(), c.sla.calendar)) return leaveMessage(c, 'outside_hours');
  enqueue(c);
  await c.out.say({ text: reason === 'high_risk' ? replies.handoffUrgent : replies.handoff, from: 'system' });
}

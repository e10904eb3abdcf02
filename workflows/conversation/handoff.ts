// Leaving the bot: the handoff card the agent will see (summary, reason, intent, sentiment, the
// customer), the event with its typed reason, and the conversation in the queue.
import type { HandoffReason } from '../../domain/policy';
import type { Understanding } from '../../domain/understanding';
import { replies } from '../../domain/replies';
import { summaries } from './activities';
import type { Conversation } from './context';
import { enqueue } from './assignment';

export async function writeHandoffCard(
  c: Conversation,
  reason: HandoffReason,
  priority: number,
  understanding?: Understanding,
): Promise<void> {
  const d = c.d;
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
    skill: d.skill,
    sentiment: understanding?.sentiment?.negative ? 'negative' : 'neutral',
    customerTier: d.customer.tier,
    customerTags: d.customer.tags,
    nickname: d.customer.nickname,
    at: c.now(),
  };
  c.records.add({ type: 'handoff', reason, priority, skill: d.skill, summary, intent: d.handoff.intent });
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
  enqueue(c);
  await c.out.say({ text: reason === 'high_risk' ? replies.handoffUrgent : replies.handoff, from: 'system' });
}

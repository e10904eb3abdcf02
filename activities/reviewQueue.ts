// The conversation's events that belong in the misjudgement review queue (db/models/reviewItem.ts):
// an answer the customer turned down, a question the bot could not place, a handoff right after an
// answer. Appended with the event id as the item's id, so a retried write adds nothing twice.
import { insertOnce } from '../db/insertOnce';
import { ReviewItemModel } from '../db/models/reviewItem';
import type { EventRecord } from './outbound';

const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);

function itemOf(event: EventRecord) {
  const d = event.data;
  if (event.type === 'answer_rejected')
    return {
      source: 'customer_rejected',
      entryId: text(d.kbEntryId),
      answerMsgid: text(d.msgid),
      question: text(d.question),
    };
  if (event.type === 'not_understood')
    return { source: 'not_understood', entryId: text(d.bestEntryId), question: text(d.question) };
  if (event.type === 'handoff' && d.afterAnswer)
    return {
      source: 'handoff_after_answer',
      entryId: text(d.intent),
      question: text(d.question),
      handoffReason: text(d.reason),
    };
  return undefined;
}

export async function queueForReview(
  conversation: { conversationId: string; openKfId: string },
  events: EventRecord[],
): Promise<void> {
  const items = events.flatMap((event) => {
    const item = itemOf(event);
    if (!item) return [];
    const at = new Date(event.at);
    return [
      { _id: event.eventId, ...conversation, ...item, question: item.question ?? '', status: 'new', at, updatedAt: at },
    ];
  });
  await insertOnce(ReviewItemModel, items);
}

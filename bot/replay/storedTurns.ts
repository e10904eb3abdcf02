// The customer turns replay reads: customer messages stored since a time, oldest first, in one
// bounded query (a batch job's read, never the hot path's), grouped later by conversation.
import { MessageModel } from '../../db/models/message';
import type { StoredTurn } from './replay';

export const DEFAULT_MAX_MESSAGES = 20_000;

export async function storedTurns(
  since: Date,
  max = DEFAULT_MAX_MESSAGES,
): Promise<{ turns: StoredTurn[]; truncated: boolean }> {
  const messages = await MessageModel.find(
    { direction: 'in', from: 'customer', sentAt: { $gte: since } },
    { conversationId: 1, text: 1, menuId: 1, sentAt: 1 },
  )
    .sort({ sentAt: 1 })
    .limit(max + 1)
    .lean();
  const truncated = messages.length > max;
  return {
    truncated,
    turns: messages.slice(0, max).map((m) => ({
      conversationId: m.conversationId,
      text: m.text ?? '',
      ...(m.menuId ? { menuId: m.menuId } : {}),
    })),
  };
}

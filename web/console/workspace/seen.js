// Unread badges: when the agent last looked at each conversation (in this browser), against the
// times of the customer's latest messages the lists carry.
const key = (conversationId) => `cs-seen:${conversationId}`;

export const seenAt = (conversationId) => Number(localStorage.getItem(key(conversationId)) ?? 0);

export function markSeen(conversationId, at) {
  if (at > seenAt(conversationId)) localStorage.setItem(key(conversationId), String(at));
}

export const unreadOf = (row) => (row.customerAts ?? []).filter((at) => at > seenAt(row.conversationId)).length;

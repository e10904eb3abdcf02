// WeCom's reply rules as a pure check: replies only within the window after the customer's last
// message (48 h) and at most N replies per customer message (5). The workflow asks before sending.
// Notices (assignment, "still queued"…) may not use the replies kept for people: a customer who
// asks one question must still be able to hear from their agent after a few reassignments.
export type ReplyVerdict = 'ok' | 'window_expired' | 'reply_limit' | 'no_customer_message';

/** person: an agent's reply; bot: an answer or menu; notice: what the system says about the service. */
export type Speaker = 'person' | 'bot' | 'notice';

export interface ReplyLimits {
  replyWindowMs: number;
  maxRepliesPerCustomerMessage: number;
  /** Replies per customer message that notices leave to people (default 0 for older callers). */
  repliesReservedForPeople?: number;
}

export function canReply(
  now: number,
  lastCustomerMessageAt: number | undefined,
  repliesSinceCustomerMessage: number,
  limits: ReplyLimits,
  speaker: Speaker = 'bot',
): ReplyVerdict {
  if (lastCustomerMessageAt === undefined) return 'no_customer_message';
  if (now - lastCustomerMessageAt > limits.replyWindowMs) return 'window_expired';
  const reserved = speaker === 'notice' ? (limits.repliesReservedForPeople ?? 0) : 0;
  if (repliesSinceCustomerMessage >= limits.maxRepliesPerCustomerMessage - reserved) return 'reply_limit';
  return 'ok';
}

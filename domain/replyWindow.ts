// WeCom's reply rules as a pure check: replies only within the window after the customer's last
// message (48 h) and at most N replies per customer message (5). The workflow asks before sending.
export type ReplyVerdict = 'ok' | 'window_expired' | 'reply_limit' | 'no_customer_message';

export function canReply(
  now: number,
  lastCustomerMessageAt: number | undefined,
  repliesSinceCustomerMessage: number,
  limits: { replyWindowMs: number; maxRepliesPerCustomerMessage: number },
): ReplyVerdict {
  if (lastCustomerMessageAt === undefined) return 'no_customer_message';
  if (now - lastCustomerMessageAt > limits.replyWindowMs) return 'window_expired';
  if (repliesSinceCustomerMessage >= limits.maxRepliesPerCustomerMessage) return 'reply_limit';
  return 'ok';
}

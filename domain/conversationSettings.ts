// Timers and limits of a conversation. Data, not code: the defaults below can be overridden per
// deployment with CONVERSATION_SETTINGS (JSON); tests shorten the timers to seconds.
import { z } from 'zod';

const ms = z.number().int().min(0);

export const conversationSettingsSchema = z.object({
  /** Customer messages arriving within this window are answered as one turn. */
  burstWindowMs: ms.default(1500),
  /** No answer to "did that help?" within this time counts as resolved silently. */
  confirmationTimeoutMs: ms.default(3 * 60_000),
  /** A bot conversation with no customer message for this long is closed. */
  botIdleCloseMs: ms.default(15 * 60_000),
  /** Queue-wait SLA: alert and widen the search when no agent took the conversation in time. */
  queueWaitSlaMs: ms.default(2 * 60_000),
  /** How often a queued conversation asks routing again. */
  routingRetryMs: ms.default(5_000),
  /** First-response SLA: the assigned agent must answer within this time, or it is reassigned. */
  firstResponseSlaMs: ms.default(3 * 60_000),
  maxReassignments: z.number().int().min(0).default(3),
  /** Human phase: "still there?" nudge after this much silence, close after as much again. */
  humanIdleNudgeMs: ms.default(10 * 60_000),
  humanIdleCloseMs: ms.default(5 * 60_000),
  /** After close: how long the session waits for the survey click (and forwards anything else). */
  csatWaitMs: ms.default(10 * 60_000),
  /** WeCom: replies only within 48 h of the customer's last message, at most 5 per message. */
  replyWindowMs: ms.default(48 * 3600_000),
  maxRepliesPerCustomerMessage: z.number().int().min(1).default(5),
  /** Of those, how many notices (assignment, "still queued"…) always leave to people. */
  repliesReservedForPeople: z.number().int().min(0).default(2),
  /** How often a queued conversation asks routing again once nobody who could serve it is online (backs off to this). */
  routingRetryMaxMs: ms.default(60_000),
  /** Customer turns the bot takes per minute at most; later messages wait and are answered as one turn. */
  botTurnsPerMinute: z.number().int().min(1).default(10),
  /** The longest a burst of messages is gathered into one turn. */
  burstMaxMs: ms.default(10_000),

  /** Ticket SLA by priority, in hours. */
  ticketDueHours: z
    .object({ low: z.number(), normal: z.number(), high: z.number(), urgent: z.number() })
    .default({ low: 72, normal: 48, high: 24, urgent: 4 }),
  /** Continue-as-new once the history has this many events (or the server suggests it). */
  continueAsNewAfterEvents: z.number().int().min(50).default(2000),
  /** Transcript entries kept in workflow state (the full transcript is in MongoDB). */
  transcriptInState: z.number().int().min(10).default(60),
});

export type ConversationSettings = z.infer<typeof conversationSettingsSchema>;

export function conversationSettings(overrides: unknown = {}): ConversationSettings {
  return conversationSettingsSchema.parse(overrides);
}

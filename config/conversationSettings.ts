// CONVERSATION_SETTINGS checked at start-up: each value a whole number in range, with the error
// naming the setting. The settings and their defaults are domain/conversationSettings.ts.
import { z } from 'zod';
import { conversationSettings, type ConversationSettings } from '../domain/conversationSettings';

const ms = z.number().int().min(0);

const overridesSchema = z.object({
  burstWindowMs: ms,
  confirmationTimeoutMs: ms,
  botIdleCloseMs: ms,
  queueWaitSlaMs: ms,
  routingRetryMs: ms,
  firstResponseSlaMs: ms,
  maxReassignments: z.number().int().min(0),
  humanIdleNudgeMs: ms,
  humanIdleCloseMs: ms,
  csatWaitMs: ms,
  replyWindowMs: ms,
  maxRepliesPerCustomerMessage: z.number().int().min(1),
  repliesReservedForPeople: z.number().int().min(0),
  routingRetryMaxMs: ms,
  botTurnsPerMinute: z.number().int().min(1),
  burstMaxMs: ms,
  ticketDueHours: z.object({ low: z.number(), normal: z.number(), high: z.number(), urgent: z.number() }),
  continueAsNewAfterEvents: z.number().int().min(50),
  transcriptInState: z.number().int().min(10),
} satisfies Record<keyof ConversationSettings, z.ZodType>);

/** The defaults with these overrides (JSON from CONVERSATION_SETTINGS); a ZodError names a bad one. */
export function parseConversationSettings(overrides: unknown): ConversationSettings {
  return conversationSettings(overridesSchema.partial().parse(overrides ?? {}) as Partial<ConversationSettings>);
}

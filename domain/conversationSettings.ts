// Timers and limits of a conversation. Data, not code: the defaults below can be overridden per
// deployment with CONVERSATION_SETTINGS (JSON, checked by config/conversationSettings.ts); tests
// shorten the timers to seconds. No schema library here: this module is part of every workflow,
// and the workflow sandbox evaluates the bundle's modules once per conversation, so what they
// build at load time is paid for in memory by every cached conversation (docs/PERFORMANCE.md).

export interface ConversationSettings {
  /** Customer messages arriving within this window are answered as one turn. */
  burstWindowMs: number;
  /** No answer to "did that help?" within this time counts as resolved silently. */
  confirmationTimeoutMs: number;
  /** A bot conversation with no customer message for this long is closed. */
  botIdleCloseMs: number;
  /** Queue-wait SLA: alert and widen the search when no agent took the conversation in time. */
  queueWaitSlaMs: number;
  /** How often a queued conversation asks routing again. */
  routingRetryMs: number;
  /** First-response SLA: the assigned agent must answer within this time, or it is reassigned. */
  firstResponseSlaMs: number;
  maxReassignments: number;
  /** Human phase: "still there?" nudge after this much silence, close after as much again. */
  humanIdleNudgeMs: number;
  humanIdleCloseMs: number;
  /** After close: how long the session waits for the survey click (and forwards anything else). */
  csatWaitMs: number;
  /** WeCom: replies only within 48 h of the customer's last message, at most 5 per message. */
  replyWindowMs: number;
  maxRepliesPerCustomerMessage: number;
  /** Of those, how many notices (assignment, "still queued"…) always leave to people. */
  repliesReservedForPeople: number;
  /** How often a queued conversation asks routing again once nobody who could serve it is online (backs off to this). */
  routingRetryMaxMs: number;
  /** Customer turns the bot takes per minute at most; later messages wait and are answered as one turn. */
  botTurnsPerMinute: number;
  /** The longest a burst of messages is gathered into one turn. */
  burstMaxMs: number;
  /** Ticket SLA by priority, in hours. */
  ticketDueHours: { low: number; normal: number; high: number; urgent: number };
  /** Continue-as-new once the history has this many events (or the server suggests it). */
  continueAsNewAfterEvents: number;
  /** Transcript entries kept in workflow state (the full transcript is in MongoDB). */
  transcriptInState: number;
}

export const defaultConversationSettings: ConversationSettings = {
  burstWindowMs: 1500,
  confirmationTimeoutMs: 3 * 60_000,
  botIdleCloseMs: 15 * 60_000,
  queueWaitSlaMs: 2 * 60_000,
  routingRetryMs: 5_000,
  firstResponseSlaMs: 3 * 60_000,
  maxReassignments: 3,
  humanIdleNudgeMs: 10 * 60_000,
  humanIdleCloseMs: 5 * 60_000,
  csatWaitMs: 10 * 60_000,
  replyWindowMs: 48 * 3600_000,
  maxRepliesPerCustomerMessage: 5,
  repliesReservedForPeople: 2,
  routingRetryMaxMs: 60_000,
  botTurnsPerMinute: 10,
  burstMaxMs: 10_000,
  ticketDueHours: { low: 72, normal: 48, high: 24, urgent: 4 },
  continueAsNewAfterEvents: 2000,
  transcriptInState: 60,
};

/**
 * The defaults with these overrides (already checked: CONVERSATION_SETTINGS is, at start-up). A
 * conversation started by an older version lacks the settings added since: they take the default.
 */
export function conversationSettings(overrides: Partial<ConversationSettings> = {}): ConversationSettings {
  return { ...defaultConversationSettings, ...overrides };
}

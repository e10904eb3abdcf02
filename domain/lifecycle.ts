// The conversation's lifecycle as data: its states (also the CsState search attribute), the moves
// allowed between them, and why a conversation closes. The workflow checks every move against this
// table, so a phase cannot quietly put a conversation where the product never meant it to be.

export const conversationStates = ['bot', 'confirming', 'queued', 'human', 'ticket', 'closed'] as const;
export type ConversationState = (typeof conversationStates)[number];

/** from → the states it may move to. A move to the same state is never a transition. */
export const allowedTransitions: Readonly<Record<ConversationState, readonly ConversationState[]>> = {
  // The bot answers, asks "did that help?", hands off, or a servicer takes the session in WeCom;
  // outside business hours a handoff becomes a ticket (the customer leaves a message).
  bot: ['confirming', 'queued', 'human', 'ticket', 'closed'],
  confirming: ['bot', 'queued', 'human', 'ticket', 'closed'],
  // An agent takes it; or the customer stops waiting (back to the bot) or leaves a message (ticket);
  // or (wecom mode) a servicer takes it from the pool; or it closes.
  queued: ['human', 'bot', 'ticket', 'closed'],
  // Transfer/reassignment goes back to the queue; a ticket follows up; the agent returns it to the bot.
  human: ['queued', 'ticket', 'bot', 'closed'],
  ticket: ['closed'],
  closed: [],
};

export function canTransition(from: ConversationState, to: ConversationState): boolean {
  return allowedTransitions[from].includes(to);
}

export const closeReasons = [
  'resolved_by_bot',
  'resolved_silently',
  'resolved_by_agent',
  'ticket_closed',
  'ended_in_wecom',
  'idle',
] as const;
export type CloseReason = (typeof closeReasons)[number];

/** A conversation closed for silence gets no satisfaction survey: nobody is there to answer it. */
export const asksForSurvey = (reason: CloseReason): boolean => reason !== 'idle';

export class IllegalTransition extends Error {
  override name = 'IllegalTransition';
  constructor(
    readonly from: ConversationState,
    readonly to: ConversationState,
  ) {
    super(`a conversation may not move from ${from} to ${to}`);
  }
}

/** Throws IllegalTransition (a bug: the workflow task fails and retries until the code is fixed). */
export function assertTransition(from: ConversationState, to: ConversationState): void {
  if (!canTransition(from, to)) throw new IllegalTransition(from, to);
}

// What a conversation leaves for the customer's next one, kept in a document of its own per
// conversation (db/models/sessionContext.ts) and read back by the next session, by _id. A customer
// whose previous session closed before these documents existed still has it on their customer
// document: that copy is used when it is the previous session's.
import type { Customer } from '../db/models/customer';
import { SessionContextModel, type SessionContextDoc } from '../db/models/sessionContext';
import { conversationWorkflowId } from '../workflows/conversationContract';
import type { SessionContext } from './outbound';

export interface SessionContextUpdate {
  lastAgentId?: string;
  lastSession?: SessionContext;
}

/** The conversation's own document: written only by its record activity (a retry sets the same). */
export async function keepSessionContext(
  conversationId: string,
  customer: { openKfId: string; externalUserId: string },
  update: SessionContextUpdate,
): Promise<void> {
  await SessionContextModel.updateOne(
    { _id: conversationId },
    { $set: { openKfId: customer.openKfId, externalUserId: customer.externalUserId, ...update } },
    { upsert: true },
  );
}

/** What the session before `session` left, if it left anything (none before the first). */
export async function previousSessionContext(
  openKfId: string,
  externalUserId: string,
  session: number,
): Promise<SessionContextDoc | null> {
  if (session <= 1) return null;
  return SessionContextModel.findById(conversationWorkflowId(openKfId, externalUserId, session - 1)).lean();
}

type StoredSession = Customer['lastSession'] | SessionContextDoc['lastSession'];

/** A stored closed session as the conversation reads it; undefined when there is none. */
export function closedSessionOf(stored: StoredSession | null | undefined): SessionContext | undefined {
  if (!stored?.conversationId) return undefined;
  return {
    conversationId: stored.conversationId,
    closedAt: stored.closedAt ?? 0,
    closedReason: stored.closedReason ?? '',
    recentCustomerTurns: stored.recentCustomerTurns ?? [],
    lastAnsweredEntryId: stored.lastAnsweredEntryId ?? undefined,
    handoffReason: stored.handoffReason ?? undefined,
    agentId: stored.agentId ?? undefined,
    csat: stored.csat ?? undefined,
    servedBy: stored.servedBy ?? undefined,
    skill: stored.skill ?? undefined,
    topic: stored.topic ?? undefined,
    answered: stored.answered ?? undefined,
    abandoned: stored.abandoned ?? undefined,
    msgids: stored.msgids?.length ? stored.msgids : undefined,
  };
}

/**
 * The last agent and the closed session a new session `session` starts with, both keys always (they
 * replace a profile's): from the previous session's own document; without one, from the customer
 * document's copy, whose closed session counts only if it is the previous one (an older one would be
 * taken for the last).
 */
export function handedOver(
  customer: { openKfId: string; externalUserId: string; session: number },
  fallback: SessionContextUpdate,
  previous: SessionContextDoc | null,
): SessionContextUpdate {
  const previousId = conversationWorkflowId(customer.openKfId, customer.externalUserId, customer.session - 1);
  const lastSession =
    closedSessionOf(previous?.lastSession) ??
    (fallback.lastSession?.conversationId === previousId ? fallback.lastSession : undefined);
  return { lastAgentId: previous?.lastAgentId ?? lastSession?.agentId ?? fallback.lastAgentId, lastSession };
}

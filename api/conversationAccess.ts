// Whose conversation is it? Agents see and act on the conversations they hold, the queue, the
// ticket-stage conversations of tickets assigned to them, and those whose agent asked for help
// while they help (a consult they joined); supervisors and admins on every one. What an agent may
// do there the workflow decides (a helper cannot reply to the customer).
// Read from the workflow's own search attributes (describe: no worker needed, no scan of a
// growing collection), so it is as current as the workflow.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { OpenConsultModel } from '../db/models/consult';
import { TicketModel } from '../db/models/ticket';
import { CsAgent, CsState } from '../workflows/searchAttributes';
import { seesEverything, type Principal } from './auth/principal';
import { HttpError } from './validate';

export interface ConversationHolder {
  state: string | undefined;
  agentId: string | undefined;
}

export async function conversationHolder(temporal: Client, conversationId: string): Promise<ConversationHolder> {
  try {
    const description = await temporal.workflow.getHandle(conversationId).describe();
    return {
      state: description.typedSearchAttributes.get(CsState),
      agentId: description.typedSearchAttributes.get(CsAgent),
    };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new HttpError(404, 'no such conversation');
    throw error;
  }
}

/** Throws 404 for an unknown conversation and 403 for one the caller may not see or act on. */
export async function requireConversationAccess(
  temporal: Client,
  caller: Principal,
  conversationId: string,
): Promise<ConversationHolder> {
  const holder = await conversationHolder(temporal, conversationId);
  const access = mayAccess(caller, holder);
  if (access === 'yes') return holder;
  if (access === 'if_ticket_assignee' && (await TicketModel.exists({ conversationId, assignee: caller.agentId })))
    return holder;
  if (await OpenConsultModel.exists({ _id: conversationId, 'helpers.userId': caller.userId })) return holder;
  throw new HttpError(403, NOT_YOURS);
}

export const NOT_YOURS = 'not your conversation (agents see their own and the queue)';

/**
 * The rule itself: supervisors see everything, agents the queue and what they hold, and a ticket
 * stage conversation when the ticket is assigned to them (which the caller looks up).
 */
export function mayAccess(caller: Principal, holder: ConversationHolder): 'yes' | 'no' | 'if_ticket_assignee' {
  if (seesEverything(caller)) return 'yes';
  const me = caller.agentId;
  if (holder.state === 'queued') return 'yes';
  if (me && holder.agentId === me) return 'yes';
  if (me && holder.state === 'ticket') return 'if_ticket_assignee';
  return 'no';
}

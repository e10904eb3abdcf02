// The customer behind a conversation, for whoever serves it: their profile (tier, tags), their
// earlier sessions and their tickets. Read once when a conversation is opened, never on a timer:
// customers, the conversation mirror and tickets grow with traffic and FerretDB answers each of
// these queries by scanning the collection (MONGODB.md), so every list here is cut to a few items.
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { ConversationModel } from '../../db/models/conversation';
import { CustomerModel } from '../../db/models/customer';
import { TicketModel } from '../../db/models/ticket';
import { requireConversationAccess } from '../conversationAccess';
import { defineRoute, type Route } from '../route';
import { HttpError } from '../validate';

const EARLIER_SESSIONS = 10;
const TICKETS = 10;

/** conv:<openKfId>:<externalUserId>:<session> (workflows/conversationContract.ts) */
export function customerOf(conversationId: string): { openKfId: string; externalUserId: string } | undefined {
  const match = /^conv:([^:]+):([^:]+):\d+$/.exec(conversationId);
  return match ? { openKfId: match[1]!, externalUserId: match[2]! } : undefined;
}

export function customerRoutes(temporal: Client): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/conversations/:conversationId/customer',
      tag: 'conversations',
      summary: 'The conversation’s customer: profile, earlier sessions, tickets',
      access: 'user',
      params: z.object({ conversationId: z.string().min(1).max(200) }),
      async handle({ params, caller }) {
        await requireConversationAccess(temporal, caller, params.conversationId);
        const customer = customerOf(params.conversationId);
        if (!customer) throw new HttpError(404, 'not a customer conversation');
        const [profile, sessions, tickets] = await Promise.all([
          CustomerModel.findOne(customer).lean(),
          ConversationModel.find({ ...customer, conversationId: { $ne: params.conversationId } })
            .sort({ session: -1 })
            .limit(EARLIER_SESSIONS)
            .lean(),
          TicketModel.find(customer).sort({ createdAt: -1 }).limit(TICKETS).lean(),
        ]);
        return {
          ...customer,
          nickname: profile?.nickname,
          tier: profile?.tier ?? 'normal',
          tags: profile?.tags ?? [],
          sessions: sessions.map((s) => ({
            conversationId: s.conversationId,
            session: s.session,
            state: s.state,
            startedAt: s.startedAt,
            closedAt: s.closedAt,
            closedReason: s.closedReason,
            handoffReason: s.handoffReason,
            handoffSummary: s.handoffSummary,
            agentId: s.agentId,
            csat: s.csat,
            ticketNo: s.ticketNo,
          })),
          tickets: tickets.map(({ _id, history, ...ticket }) => ({ ...ticket, changes: history.length })),
        };
      },
    }),
  ];
}

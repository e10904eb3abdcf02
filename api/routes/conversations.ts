// The agent workspace's REST API: conversations from the mirror, the live snapshot from the
// workflow, the transcript, and the agent actions as workflow updates (validated twice: zod here,
// the workflow's update validators there). The acting agent is always the caller: agents act on
// their own conversations and the queue, supervisors and admins on any, with a reason.
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { ConversationModel } from '../../db/models/conversation';
import { MessageModel } from '../../db/models/message';
import {
  agentReplyUpdate,
  createTicketUpdate,
  resolveUpdate,
  returnToBotUpdate,
  snapshotQuery,
  takeOverUpdate,
  transferUpdate,
  type AgentRef,
} from '../../workflows/conversationContract';
import { ACTION_ANSWER_WITHIN_MS, runAction, workflowAnswer } from '../conversationActions';
import { actingAgentId, seesEverything, type Principal } from '../auth/principal';
import { requireConversationAccess } from '../conversationAccess';
import { pageQuery } from '../pagination';
import { defineRoute, type Route } from '../route';
import { HttpError } from '../validate';

const STATES = ['bot', 'confirming', 'queued', 'human', 'ticket', 'closed'] as const;
export const MAX_REPLY_CHARS = 2048;

const conversationParams = z.object({ conversationId: z.string().min(1).max(200) });
const reason = z.string().trim().min(1).max(500).optional().describe('Why (recorded in the conversation events).');
// strict: a body naming the acting agent (agentId) is refused, not silently obeyed or ignored.
const action = <S extends z.ZodRawShape>(shape: S) => z.strictObject({ ...shape, reason });

const actions = {
  reply: {
    update: agentReplyUpdate,
    summary: 'Reply to the customer as the signed-in agent',
    body: action({ text: z.string().trim().min(1).max(MAX_REPLY_CHARS) }),
  },
  'take-over': {
    update: takeOverUpdate,
    summary: 'Take the conversation (from the queue; supervisors: from the bot or another agent)',
    body: action({}),
  },
  transfer: {
    update: transferUpdate,
    summary: 'Transfer to another agent or skill (supervisors: reassign any conversation)',
    body: action({
      toAgentId: z.string().min(1).max(64).optional(),
      toSkill: z.string().min(1).max(64).optional(),
    }).refine((b) => b.toAgentId || b.toSkill, 'give toAgentId or toSkill'),
  },
  ticket: {
    update: createTicketUpdate,
    summary: 'Turn the conversation into a ticket (工单)',
    body: action({
      title: z.string().trim().min(1).max(200),
      description: z.string().max(5000).optional(),
      priority: z.enum(['low', 'normal', 'high', 'urgent']).optional(),
      dueAt: z.iso
        .datetime({ offset: true })
        .transform((at) => Date.parse(at))
        .optional()
        .describe('When it is due (ISO 8601); by default the priority’s due time. At most 90 days ahead.'),
    }),
  },
  'return-to-bot': { update: returnToBotUpdate, summary: 'Give the conversation back to the bot', body: action({}) },
  resolve: { update: resolveUpdate, summary: 'Resolve and close the conversation', body: action({}) },
} as const;

/** Agents list their own conversations and the queue; anything else is refused rather than emptied. */
function listFilter(caller: Principal, query: { state?: string; agentId?: string }): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  if (query.state) filter.state = query.state;
  if (query.agentId) filter.agentId = query.agentId;
  if (seesEverything(caller)) return filter;
  const me = caller.agentId;
  if (query.agentId && query.agentId !== me) throw new HttpError(403, 'agents list only their own conversations');
  if (query.state && query.state !== 'queued' && !me) throw new HttpError(403, 'you serve no conversations');
  return { $and: [filter, { $or: [{ state: 'queued' }, ...(me ? [{ agentId: me }] : [])] }] };
}

export function conversationRoutes(temporal: Client, answerWithinMs = ACTION_ANSWER_WITHIN_MS): Route[] {
  const routes: Route[] = [
    defineRoute({
      method: 'get',
      path: '/api/conversations',
      tag: 'conversations',
      summary: 'List conversations (queue order)',
      description: 'Agents get their own conversations and the queue; supervisors and admins every conversation.',
      access: 'user',
      query: z.object({
        state: z.enum(STATES).optional(),
        agentId: z.string().max(64).optional(),
        ...pageQuery(100, 200),
      }),
      async handle({ query, caller }) {
        // Queue order: priority first, then who has waited longest.
        const docs = await ConversationModel.find(listFilter(caller, query))
          .sort({ priority: -1, queuedAt: 1, updatedAt: -1 })
          .skip(query.offset)
          .limit(query.limit)
          .lean();
        return docs.map(({ _id, ...doc }) => doc);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/conversations/:conversationId',
      tag: 'conversations',
      summary: 'The live snapshot: state, agent, handoff card, transcript tail, timers',
      access: 'user',
      params: conversationParams,
      async handle({ params, caller }) {
        await requireConversationAccess(temporal, caller, params.conversationId);
        return workflowAnswer(() => temporal.workflow.getHandle(params.conversationId).query(snapshotQuery));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/conversations/:conversationId/messages',
      tag: 'conversations',
      summary: 'The stored transcript, oldest first',
      access: 'user',
      params: conversationParams,
      query: z.object(pageQuery(200, 1000)),
      async handle({ params, query, caller }) {
        await requireConversationAccess(temporal, caller, params.conversationId);
        const messages = await MessageModel.find({ conversationId: params.conversationId })
          .sort({ sentAt: 1 })
          .skip(query.offset)
          .limit(query.limit)
          .lean();
        return messages.map(({ _id, ...m }) => m);
      },
    }),
  ];

  for (const [name, spec] of Object.entries(actions)) {
    routes.push(
      defineRoute({
        method: 'post',
        path: `/api/conversations/:conversationId/${name}`,
        tag: 'agent actions',
        summary: spec.summary,
        description:
          'Acts as the signed-in user (never as an agent named in the body). Supervisors and admins may act on any conversation; the reason is recorded with the action.',
        access: 'user',
        params: conversationParams,
        body: spec.body as z.ZodType<Record<string, unknown>>,
        async handle({ params, body, caller, res }) {
          await requireConversationAccess(temporal, caller, params.conversationId);
          const request: AgentRef & Record<string, unknown> = {
            ...body,
            agentId: actingAgentId(caller),
            actor: { userId: caller.userId, role: caller.role },
          };
          return runAction(
            temporal,
            params.conversationId,
            spec.update as typeof resolveUpdate,
            request,
            res,
            answerWithinMs,
          );
        },
      }),
    );
  }
  return routes;
}

// The agent workspace's REST API: conversations from the mirror, the live snapshot from the
// workflow, the transcript, and the agent actions as workflow updates (validated twice: zod here,
// the workflow's update validators there). Agents set their status here too.
import { Router, type Response } from 'express';
import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { setAgentStatus } from '../../activities/routing';
import { AgentModel } from '../../db/models/agent';
import { heldConversations } from '../../db/models/agentSlot';
import { ConversationModel } from '../../db/models/conversation';
import { MessageModel } from '../../db/models/message';
import { announceAgentStatus } from '../agentPresence';
import {
  actionFailureTypes,
  agentReplyUpdate,
  createTicketUpdate,
  resolveUpdate,
  returnToBotUpdate,
  snapshotQuery,
  takeOverUpdate,
  transferUpdate,
} from '../../workflows/conversationContract';
import { HttpError, parseBody } from '../validate';

const agentRef = z.object({ agentId: z.string().min(1) });
const actions = {
  reply: { update: agentReplyUpdate, body: agentRef.extend({ text: z.string().min(1).max(2048) }) },
  'take-over': { update: takeOverUpdate, body: agentRef },
  transfer: {
    update: transferUpdate,
    body: agentRef
      .extend({ toAgentId: z.string().optional(), toSkill: z.string().optional() })
      .refine((b) => b.toAgentId || b.toSkill, 'give toAgentId or toSkill'),
  },
  ticket: {
    update: createTicketUpdate,
    body: agentRef.extend({
      title: z.string().min(1).max(200),
      description: z.string().max(5000).optional(),
      priority: z.enum(['low', 'normal', 'high', 'urgent']).optional(),
    }),
  },
  'return-to-bot': { update: returnToBotUpdate, body: agentRef },
  resolve: { update: resolveUpdate, body: agentRef },
} as const;

const states = ['bot', 'confirming', 'queued', 'human', 'ticket', 'closed'] as const;

/** A refused action's failure type → HTTP: the request is wrong (400) or cannot be done now (409). */
const BAD_REQUEST: string[] = [actionFailureTypes.invalidRequest, actionFailureTypes.unknownAgent];

async function answerWorkflowErrors(res: Response, work: () => Promise<unknown>): Promise<void> {
  try {
    res.json(await work());
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new HttpError(404, 'no such conversation');
    // A refused action says why and what kind of refusal it is (workflows/conversationContract.ts).
    if (error instanceof WorkflowUpdateFailedError) {
      const cause = error.cause;
      const type = cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
      const message = (cause as Error | undefined)?.message ?? error.message;
      throw new HttpError(type && BAD_REQUEST.includes(type) ? 400 : 409, message, type ? { reason: type } : undefined);
    }
    throw error;
  }
}

export function conversationRoutes(temporal: Client): Router {
  const router = Router();

  router.get('/api/conversations', async (req, res) => {
    const query = z
      .object({
        state: z.enum(states).optional(),
        agentId: z.string().optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      })
      .safeParse(req.query);
    if (!query.success) throw new HttpError(400, `invalid query: ${query.error.issues[0]?.message}`);
    const filter: Record<string, unknown> = {};
    if (query.data.state) filter.state = query.data.state;
    if (query.data.agentId) filter.agentId = query.data.agentId;
    // Queue order: priority first, then who has waited longest.
    const docs = await ConversationModel.find(filter)
      .sort({ priority: -1, queuedAt: 1, updatedAt: -1 })
      .limit(query.data.limit)
      .lean();
    res.json(docs.map(({ _id, ...doc }) => doc));
  });

  router.get('/api/conversations/:conversationId', (req, res) =>
    answerWorkflowErrors(res, () => temporal.workflow.getHandle(req.params.conversationId).query(snapshotQuery)),
  );

  router.get('/api/conversations/:conversationId/messages', async (req, res) => {
    const messages = await MessageModel.find({ conversationId: req.params.conversationId }).sort({ sentAt: 1 }).lean();
    res.json(messages.map(({ _id, ...m }) => m));
  });

  for (const [name, action] of Object.entries(actions)) {
    router.post(`/api/conversations/:conversationId/${name}`, (req, res) => {
      const body = parseBody(action.body, req.body);
      return answerWorkflowErrors(res, () =>
        temporal.workflow
          .getHandle(req.params.conversationId)
          .executeUpdate(action.update as typeof resolveUpdate, { args: [body] }),
      );
    });
  }

  router.get('/api/agents', async (_req, res) => {
    const agents = await AgentModel.find({}).sort({ agentId: 1 }).lean();
    const held = await heldConversations(agents.map((agent) => agent.agentId));
    res.json(
      agents.map(({ _id, ...agent }) => {
        const activeConversations = held.get(agent.agentId) ?? [];
        return { ...agent, activeConversations, freeSlots: Math.max(0, agent.capacity - activeConversations.length) };
      }),
    );
  });

  router.post('/api/agents/:agentId/status', async (req, res) => {
    const { status } = parseBody(z.object({ status: z.enum(['online', 'away', 'offline']) }), req.body);
    const held = await setAgentStatus(req.params.agentId, status);
    if (held === undefined) throw new HttpError(404, `no agent ${req.params.agentId}`);
    await announceAgentStatus(temporal, req.params.agentId, status, held);
    res.json({ agentId: req.params.agentId, status, conversations: held });
  });

  return router;
}

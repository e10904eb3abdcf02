// Agent assignment: rank the free agents (domain/routing.ts) and reserve one atomically, one
// findOneAndUpdate per try, so an agent never takes more than their capacity and two
// conversations never take the last slot together. Idempotent: a retried reservation finds the
// agent that already holds the conversation.
import fs from 'node:fs';
import { z } from 'zod';
import { AgentModel } from '../db/models/agent';
import { EventModel } from '../db/models/event';
import { rankAgents, type RoutingRequest } from '../domain/routing';

export interface AssignedAgent {
  agentId: string;
  name: string;
  wecomUserId?: string;
}

const toAssigned = (agent: { agentId: string; name: string; wecomUserId?: string | null }): AssignedAgent => ({
  agentId: agent.agentId,
  name: agent.name,
  ...(agent.wecomUserId ? { wecomUserId: agent.wecomUserId } : {}),
});

export function createRoutingActivities() {
  return {
    async assignAgent(req: RoutingRequest & { conversationId: string }): Promise<AssignedAgent | null> {
      const holding = await AgentModel.findOne({ activeConversations: req.conversationId }).lean();
      if (holding) return toAssigned(holding);
      // Arrays default here, not in the query: FerretDB 1.24 drops empty arrays written by an upsert.
      const online = (await AgentModel.find({ status: 'online', freeSlots: { $gt: 0 } }).lean()).map((agent) => ({
        ...agent,
        skills: agent.skills ?? [],
        groups: agent.groups ?? [],
      }));
      for (const candidate of rankAgents(online, req)) {
        const reserved = await AgentModel.findOneAndUpdate(
          {
            agentId: candidate.agentId,
            status: 'online',
            freeSlots: { $gt: 0 },
            activeConversations: { $ne: req.conversationId },
          },
          {
            $inc: { freeSlots: -1 },
            $push: { activeConversations: req.conversationId },
            $set: { lastAssignedAt: new Date() },
          },
          { returnDocument: 'after' },
        ).lean();
        if (reserved) return toAssigned(reserved);
      }
      return null;
    },

    /**
     * wecom mode: a servicer took the session in the WeCom client. Their slot is counted when they
     * are one of our agents; otherwise they serve as themselves. Idempotent like assignAgent.
     */
    async claimForServicer(req: { conversationId: string; wecomUserId: string }): Promise<AssignedAgent> {
      const claimed = await AgentModel.findOneAndUpdate(
        { wecomUserId: req.wecomUserId, activeConversations: { $ne: req.conversationId } },
        {
          $inc: { freeSlots: -1 },
          $push: { activeConversations: req.conversationId },
          $set: { lastAssignedAt: new Date() },
        },
        { returnDocument: 'after' },
      ).lean();
      const agent = claimed ?? (await AgentModel.findOne({ wecomUserId: req.wecomUserId }).lean());
      return agent
        ? toAssigned(agent)
        : { agentId: req.wecomUserId, name: req.wecomUserId, wecomUserId: req.wecomUserId };
    },

    async releaseAgent(req: { conversationId: string; agentId: string }): Promise<void> {
      // Only when the agent holds it: a retried release gives back one slot, not two.
      await AgentModel.updateOne(
        { agentId: req.agentId, activeConversations: req.conversationId },
        { $inc: { freeSlots: 1 }, $pull: { activeConversations: req.conversationId } },
      );
    },
  };
}

export type RoutingActivities = ReturnType<typeof createRoutingActivities>;

/** Sets an agent's status; going away or offline returns the conversations they hold, and records it. */
export async function setAgentStatus(
  agentId: string,
  status: 'online' | 'away' | 'offline',
): Promise<string[] | undefined> {
  const agent = await AgentModel.findOneAndUpdate(
    { agentId },
    { $set: { status } },
    { returnDocument: 'after' },
  ).lean();
  if (!agent) return undefined;
  if (status !== 'online' && agent.activeConversations.length > 0) {
    await EventModel.create({
      eventId: `agent_status:${agentId}:${Date.now()}`,
      type: 'agent_offline',
      agentId,
      at: new Date(),
      data: { status, conversations: agent.activeConversations },
    });
  }
  return agent.activeConversations;
}

const demoAgents = z.array(
  z.object({
    agentId: z.string(),
    name: z.string(),
    wecomUserId: z.string().optional(),
    skills: z.array(z.string()),
    tier: z.enum(['junior', 'senior', 'supervisor']),
    groups: z.array(z.string()).default([]),
    capacity: z.number().int().min(1),
    status: z.enum(['online', 'away', 'offline']).default('online'),
  }),
);

/** Loads the demo agents when there are none yet. */
export async function seedAgents(file: string): Promise<number> {
  if ((await AgentModel.countDocuments()) > 0) return 0;
  const agents = demoAgents.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  await AgentModel.bulkWrite(
    agents.map((agent) => ({
      updateOne: {
        filter: { agentId: agent.agentId },
        update: { $setOnInsert: { ...agent, freeSlots: agent.capacity, activeConversations: [] } },
        upsert: true,
      },
    })),
  );
  return agents.length;
}

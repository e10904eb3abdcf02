// Agent assignment: rank the free agents (domain/routing.ts) and take a slot of the best one with a
// single insert into agent_slots, whose unique keys make it atomic: an agent never holds more
// conversations than their capacity, and two conversations never take the last slot together.
// Idempotent: a retried reservation finds the slot the conversation already holds.
import fs from 'node:fs';
import { z } from 'zod';
import { AgentModel } from '../db/models/agent';
import { AgentSlotModel, heldConversations } from '../db/models/agentSlot';
import { EventModel } from '../db/models/event';
import { rankAgents, type RoutingRequest } from '../domain/routing';

export interface AssignedAgent {
  agentId: string;
  name: string;
  wecomUserId?: string;
}

const DUPLICATE_KEY = 11000;
const isDuplicate = (error: unknown) => (error as { code?: number }).code === DUPLICATE_KEY;

const toAssigned = (agent: { agentId: string; name: string; wecomUserId?: string | null }): AssignedAgent => ({
  agentId: agent.agentId,
  name: agent.name,
  ...(agent.wecomUserId ? { wecomUserId: agent.wecomUserId } : {}),
});

async function holderOf(conversationId: string): Promise<AssignedAgent | undefined> {
  const slot = await AgentSlotModel.findOne({ conversationId }).lean();
  if (!slot) return undefined;
  const agent = await AgentModel.findOne({ agentId: slot.agentId }).lean();
  return agent ? toAssigned(agent) : { agentId: slot.agentId, name: slot.agentId };
}

/** Inserts the slot; false when it is taken. A conversation that already holds one keeps it. */
async function takeSlot(slotId: string, agentId: string, conversationId: string): Promise<boolean> {
  try {
    await AgentSlotModel.create({ _id: slotId, agentId, conversationId, at: new Date() });
    return true;
  } catch (error) {
    if (isDuplicate(error)) return false;
    throw error;
  }
}

export function createRoutingActivities() {
  return {
    async assignAgent(req: RoutingRequest & { conversationId: string }): Promise<AssignedAgent | null> {
      const holding = await holderOf(req.conversationId);
      if (holding) return holding;
      // Arrays default here, not in the query: FerretDB 1.24 drops empty arrays written by an upsert.
      const agents = await AgentModel.find({ status: 'online' }).lean();
      const held = await heldConversations(agents.map((agent) => agent.agentId));
      const candidates = agents.map((agent) => ({
        ...agent,
        skills: agent.skills ?? [],
        groups: agent.groups ?? [],
        freeSlots: agent.capacity - (held.get(agent.agentId)?.length ?? 0),
      }));
      for (const candidate of rankAgents(candidates, req)) {
        for (let slot = 0; slot < candidate.capacity; slot++) {
          if (!(await takeSlot(`${candidate.agentId}#${slot}`, candidate.agentId, req.conversationId))) {
            // Taken by another conversation, or this one got a slot in a concurrent retry.
            const mine = await holderOf(req.conversationId);
            if (mine) return mine;
            continue;
          }
          await AgentModel.updateOne({ agentId: candidate.agentId }, { $set: { lastAssignedAt: new Date() } });
          return toAssigned(candidate);
        }
      }
      return null;
    },

    /**
     * wecom mode: a servicer took the session in the WeCom client. It counts against their load when
     * they are one of our agents, beyond their capacity if need be; otherwise they serve as themselves.
     */
    async claimForServicer(req: { conversationId: string; wecomUserId: string }): Promise<AssignedAgent> {
      const agent = await AgentModel.findOne({ wecomUserId: req.wecomUserId }).lean();
      if (!agent) return { agentId: req.wecomUserId, name: req.wecomUserId, wecomUserId: req.wecomUserId };
      const holding = await holderOf(req.conversationId);
      if (holding?.agentId === agent.agentId) return holding;
      if (holding) await AgentSlotModel.deleteOne({ conversationId: req.conversationId });
      await takeSlot(`${agent.agentId}#taken:${req.conversationId}`, agent.agentId, req.conversationId);
      return toAssigned(agent);
    },

    async releaseAgent(req: { conversationId: string; agentId: string }): Promise<void> {
      // Only the agent's own slot: a retried release, or one for an agent no longer holding it, is a no-op.
      await AgentSlotModel.deleteOne({ agentId: req.agentId, conversationId: req.conversationId });
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
  const conversations = (await heldConversations([agentId])).get(agentId) ?? [];
  if (status !== 'online' && conversations.length > 0) {
    await EventModel.create({
      eventId: `agent_status:${agentId}:${Date.now()}`,
      type: 'agent_offline',
      agentId,
      at: new Date(),
      data: { status, conversations },
    });
  }
  return conversations;
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
        update: { $setOnInsert: agent },
        upsert: true,
      },
    })),
  );
  return agents.length;
}

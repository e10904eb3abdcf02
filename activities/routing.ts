// Agent assignment: rank the free agents (domain/routing.ts) and take a slot of the best one with a
// single insert into agent_slots, whose unique keys make it atomic: an agent never holds more
// conversations than their capacity, and two conversations never take the last slot together.
// Idempotent: a retried reservation finds the slot the conversation already holds.
import fs from 'node:fs';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { AgentModel } from '../db/models/agent';
import { AgentSlotModel, heldConversations } from '../db/models/agentSlot';
import { EventModel } from '../db/models/event';
import type { Waiting } from '../domain/queue';
import { rankAgents, type RoutingCandidate, type RoutingRequest } from '../domain/routing';
import type { dispatcher } from '../workflows/dispatcher';
import { dispatcherWorkflowId, waitForAgentSignal } from '../workflows/dispatcherContract';

export interface AssignedAgent {
  agentId: string;
  name: string;
  wecomUserId?: string;
}

/** Why a named agent cannot take a conversation now. */
export type AgentRefusal = 'unknown_agent' | 'offline' | 'away' | 'full' | 'not_servicer';

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

/** One of the agent's numbered slots for the conversation, or false when all are taken. */
async function takeFreeSlot(agent: { agentId: string; capacity: number }, conversationId: string): Promise<boolean> {
  for (let slot = 0; slot < agent.capacity; slot++) {
    if (await takeSlot(`${agent.agentId}#${slot}`, agent.agentId, conversationId)) {
      await AgentModel.updateOne({ agentId: agent.agentId }, { $set: { lastAssignedAt: new Date() } });
      return true;
    }
    // Taken by another conversation, or by this one in a concurrent retry.
    if ((await holderOf(conversationId))?.agentId === agent.agentId) return true;
  }
  return false;
}

async function candidates() {
  // Arrays default here, not in the query: FerretDB 1.24 drops empty arrays written by an upsert.
  const agents = await AgentModel.find({ status: 'online' }).lean();
  const held = await heldConversations(agents.map((agent) => agent.agentId));
  return agents.map((agent) => ({
    ...agent,
    skills: agent.skills ?? [],
    groups: agent.groups ?? [],
    freeSlots: agent.capacity - (held.get(agent.agentId)?.length ?? 0),
  }));
}

/** Why nobody was assigned: nobody who may serve it is online, or they all are busy. */
export type NoAgent = 'none_online' | 'all_busy';

export function createRoutingActivities(deps: { temporal?: Client; taskQueue?: string } = {}) {
  return {
    /**
     * Kept for conversations that started before the dispatcher (they poll routing themselves until
     * they continue as new): the best free agent with a slot reserved, or why there is none.
     */
    async routeConversation(
      req: RoutingRequest & { conversationId: string },
    ): Promise<{ agent: AssignedAgent } | { none: NoAgent }> {
      const holding = await holderOf(req.conversationId);
      if (holding) return { agent: holding };
      const online = await candidates();
      for (const candidate of rankAgents(online, req)) {
        if (await takeFreeSlot(candidate, req.conversationId)) return { agent: toAssigned(candidate) };
        const mine = await holderOf(req.conversationId);
        if (mine) return { agent: mine };
      }
      const anyoneCould = rankAgents(
        online.map((agent) => ({ ...agent, freeSlots: agent.capacity })),
        req,
      );
      return { none: anyoneCould.length > 0 ? 'all_busy' : 'none_online' };
    },

    /** The conversation waits for a person: into the dispatcher's queue (started if need be). */
    async joinQueue(waiting: Waiting): Promise<void> {
      if (!deps.temporal || !deps.taskQueue) throw new Error('joinQueue needs a Temporal client and task queue');
      await deps.temporal.workflow.signalWithStart<typeof dispatcher, [Waiting]>('dispatcher', {
        workflowId: dispatcherWorkflowId(deps.taskQueue),
        taskQueue: deps.taskQueue,
        args: [{}],
        signal: waitForAgentSignal,
        signalArgs: [waiting],
      });
    },

    /** Every online agent with their free slots (the dispatcher matches them to the queue). */
    async freeAgents(): Promise<(RoutingCandidate & AssignedAgent)[]> {
      return (await candidates()).map((a) => ({
        agentId: a.agentId,
        name: a.name,
        ...(a.wecomUserId ? { wecomUserId: a.wecomUserId } : {}),
        skills: a.skills,
        tier: a.tier ?? 'junior',
        groups: a.groups,
        capacity: a.capacity,
        freeSlots: Math.max(0, a.freeSlots),
      }));
    },

    /**
     * A slot of this one agent (take-over, transfer to a person): refused with the reason when they
     * do not exist, are not online, are full, or (wecom mode) are not serving the kf account.
     * `overCapacity` lets a supervisor take a conversation over beyond their own capacity.
     */
    async reserveAgent(req: {
      conversationId: string;
      agentId: string;
      servicerUserIds?: string[];
      overCapacity?: boolean;
    }): Promise<{ agent: AssignedAgent } | { refused: AgentRefusal }> {
      const agent = await AgentModel.findOne({ agentId: req.agentId }).lean();
      if (!agent) return { refused: 'unknown_agent' };
      const holding = await holderOf(req.conversationId);
      if (holding?.agentId === agent.agentId) return { agent: holding };
      if (agent.status !== 'online') return { refused: agent.status === 'away' ? 'away' : 'offline' };
      if (req.servicerUserIds && !(agent.wecomUserId && req.servicerUserIds.includes(agent.wecomUserId)))
        return { refused: 'not_servicer' };
      if (holding) await AgentSlotModel.deleteOne({ conversationId: req.conversationId });
      if (await takeFreeSlot(agent, req.conversationId)) return { agent: toAssigned(agent) };
      if (
        req.overCapacity &&
        (await takeSlot(`${agent.agentId}#over:${req.conversationId}`, agent.agentId, req.conversationId))
      )
        return { agent: toAssigned(agent) };
      return { refused: 'full' };
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

    /**
     * Slots whose conversation no longer runs (terminated, timed out, failed: it could not release
     * them itself) are freed, so an agent's capacity does not leak. Slots younger than `graceMs` are
     * left alone: their conversation may be starting.
     */
    async reclaimOrphanedSlots(req: { graceMs: number }): Promise<{ checked: number; reclaimed: string[] }> {
      if (!deps.temporal) throw new Error('reclaimOrphanedSlots needs a Temporal client');
      const slots = await AgentSlotModel.find({ at: { $lt: new Date(Date.now() - req.graceMs) } }).lean();
      const reclaimed: string[] = [];
      for (const slot of slots) {
        let running: boolean;
        try {
          const description = await deps.temporal.workflow.getHandle(slot.conversationId).describe();
          running = description.status.name === 'RUNNING';
        } catch (error) {
          if (!(error instanceof WorkflowNotFoundError)) throw error;
          running = false;
        }
        if (running) continue;
        await AgentSlotModel.deleteOne({ _id: slot._id, conversationId: slot.conversationId });
        await EventModel.create({
          eventId: `slot_reclaimed:${slot._id}:${slot.conversationId}`,
          type: 'slot_reclaimed',
          conversationId: slot.conversationId,
          agentId: slot.agentId,
          at: new Date(),
          data: { slot: slot._id },
        }).catch((error: unknown) => {
          if (!isDuplicate(error)) throw error;
        });
        reclaimed.push(slot.conversationId);
      }
      return { checked: slots.length, reclaimed };
    },

    // ---- kept for conversations on the first workflow version (workflows/legacy/)
    async assignAgent(req: RoutingRequest & { conversationId: string }): Promise<AssignedAgent | null> {
      const holding = await holderOf(req.conversationId);
      if (holding) return holding;
      for (const candidate of rankAgents(await candidates(), req)) {
        if (await takeFreeSlot(candidate, req.conversationId)) return toAssigned(candidate);
        const mine = await holderOf(req.conversationId);
        if (mine) return mine;
      }
      return null;
    },
  };
}

export type RoutingActivities = ReturnType<typeof createRoutingActivities>;

/** Sets an agent's status; returns the conversations they hold (undefined: no such agent). */
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

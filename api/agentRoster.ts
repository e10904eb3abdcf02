// The agents with their status, load and free slots (for transfers and the supervisor's table):
// the roster and the slots they hold, both small collections. Everyone signed in sees who is free;
// which conversations an agent holds only they and supervisors see.
import { AgentModel } from '../db/models/agent';
import { heldConversations } from '../db/models/agentSlot';
import { seesEverything, type Principal } from './auth/principal';

export type RosterEntry = Awaited<ReturnType<typeof agentRoster>>[number];

export async function agentRoster(page: { limit: number; offset: number }) {
  const agents = await AgentModel.find({}).sort({ agentId: 1 }).skip(page.offset).limit(page.limit).lean();
  const held = await heldConversations(agents.map((agent) => agent.agentId));
  return agents.map(({ _id, ...agent }) => ({ ...agent, active: held.get(agent.agentId) ?? [] }));
}

export function agentView(caller: Principal, { active, ...agent }: RosterEntry) {
  const visible = seesEverything(caller) || agent.agentId === caller.agentId;
  return {
    ...agent,
    activeConversations: visible ? active : undefined,
    load: active.length,
    freeSlots: Math.max(0, agent.capacity - active.length),
  };
}

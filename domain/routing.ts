// Which agent should take a conversation: a pure ordering of the free candidates by skill match,
// customer tier (VIP → senior agents), priority, load and stickiness to the agent who served the
// customer before. After a queue-wait breach the search widens to any skill and the rapid-support
// group. Weights are data.

export interface RoutingCandidate {
  agentId: string;
  skills: string[];
  tier: 'junior' | 'senior' | 'supervisor' | string;
  groups: string[];
  capacity: number;
  freeSlots: number;
  wecomUserId?: string | null;
}

export interface RoutingRequest {
  skill?: string;
  customerTier: string;
  priority: number;
  previousAgentId?: string;
  excludeAgentIds: string[];
  widen: boolean;
  preferredAgentId?: string;
  /** wecom mode: only agents whose WeCom userid is among these serving servicers. */
  servicerUserIds?: string[];
}

export const routingWeights = {
  skill: 10,
  seniorForVip: 4,
  seniorForPriority: 2,
  sticky: 3,
  rapidSupportWhenWidened: 2,
  /** Per unit of load (share of capacity in use). */
  load: 5,
};

const RAPID_SUPPORT = 'rapid-support';

export function eligible(agent: RoutingCandidate, request: RoutingRequest): boolean {
  if (agent.freeSlots <= 0 || request.excludeAgentIds.includes(agent.agentId)) return false;
  if (request.servicerUserIds && !(agent.wecomUserId && request.servicerUserIds.includes(agent.wecomUserId)))
    return false;
  if (request.preferredAgentId) return agent.agentId === request.preferredAgentId;
  if (!request.skill || agent.skills.includes(request.skill)) return true;
  return request.widen && (agent.groups.includes(RAPID_SUPPORT) || agent.tier === 'supervisor');
}

export function score(agent: RoutingCandidate, request: RoutingRequest, weights = routingWeights): number {
  const senior = agent.tier === 'senior' || agent.tier === 'supervisor';
  const load = agent.capacity > 0 ? 1 - agent.freeSlots / agent.capacity : 1;
  return (
    (request.skill && agent.skills.includes(request.skill) ? weights.skill : 0) +
    (senior && request.customerTier === 'vip' ? weights.seniorForVip : 0) +
    (senior && request.priority >= 3 ? weights.seniorForPriority : 0) +
    (request.previousAgentId === agent.agentId ? weights.sticky : 0) +
    (request.widen && agent.groups.includes(RAPID_SUPPORT) ? weights.rapidSupportWhenWidened : 0) -
    load * weights.load
  );
}

/** Eligible candidates, best first; ties go to the agent id for a stable order. */
export function rankAgents<T extends RoutingCandidate>(agents: T[], request: RoutingRequest): T[] {
  return agents
    .filter((agent) => eligible(agent, request))
    .map((agent) => ({ agent, score: score(agent, request) }))
    .sort((a, b) => b.score - a.score || a.agent.agentId.localeCompare(b.agent.agentId))
    .map(({ agent }) => agent);
}

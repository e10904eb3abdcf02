// Which agent should take a conversation: a pure ordering of the free candidates by skill match,
// customer tier (VIP → senior agents), complexity, priority, load and stickiness to the agent who
// served the customer before. After a queue-wait breach the search widens to any skill and the
// rapid-support group. Weights are data.
import { COMPLEX } from './complexity';
import { RAPID_SUPPORT } from './rapidSupport';

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
  /** A skill the customer's words hint at: scored, never required. */
  preferredSkill?: string;
  customerTier: string;
  priority: number;
  previousAgentId?: string;
  excludeAgentIds: string[];
  widen: boolean;
  preferredAgentId?: string;
  /** wecom mode: only agents whose WeCom userid is among these serving servicers. */
  servicerUserIds?: string[];
  /** The customer's service level: only these agent tiers serve them (all when absent). */
  servedBy?: string[];
  /** How hard the conversation is (domain/complexity.ts): complex ones go to senior agents. */
  complexity?: number;
}

export const routingWeights = {
  skill: 10,
  preferredSkill: 5,
  seniorForVip: 4,
  seniorForPriority: 2,
  seniorForComplexity: 3,
  sticky: 3,
  rapidSupportWhenWidened: 2,
  /** Per unit of load (share of capacity in use). */
  load: 5,
};

export function eligible(agent: RoutingCandidate, request: RoutingRequest): boolean {
  if (agent.freeSlots <= 0 || request.excludeAgentIds.includes(agent.agentId)) return false;
  if (request.servicerUserIds && !(agent.wecomUserId && request.servicerUserIds.includes(agent.wecomUserId)))
    return false;
  if (request.servedBy && !request.servedBy.includes(agent.tier)) return false;
  if (request.preferredAgentId) return agent.agentId === request.preferredAgentId;
  if (!request.skill || agent.skills.includes(request.skill)) return true;
  return request.widen && (agent.groups.includes(RAPID_SUPPORT) || agent.tier === 'supervisor');
}

export function score(agent: RoutingCandidate, request: RoutingRequest, weights = routingWeights): number {
  const senior = agent.tier === 'senior' || agent.tier === 'supervisor';
  const load = agent.capacity > 0 ? 1 - agent.freeSlots / agent.capacity : 1;
  return (
    (request.skill && agent.skills.includes(request.skill) ? weights.skill : 0) +
    (request.preferredSkill && agent.skills.includes(request.preferredSkill) ? weights.preferredSkill : 0) +
    (senior && request.customerTier === 'vip' ? weights.seniorForVip : 0) +
    (senior && request.priority >= 3 ? weights.seniorForPriority : 0) +
    (senior && (request.complexity ?? 0) >= COMPLEX ? weights.seniorForComplexity : 0) +
    (request.previousAgentId === agent.agentId ? weights.sticky : 0) +
    (request.widen && agent.groups.includes(RAPID_SUPPORT) ? weights.rapidSupportWhenWidened : 0) -
    load * weights.load
  );
}

/** Why this agent was chosen, in Chinese, for the handoff card. */
export function whyChosen(agent: RoutingCandidate, request: RoutingRequest): string[] {
  const senior = agent.tier === 'senior' || agent.tier === 'supervisor';
  const why: string[] = [];
  if (request.skill && agent.skills.includes(request.skill)) why.push(`技能匹配（${request.skill}）`);
  else if (request.preferredSkill && agent.skills.includes(request.preferredSkill))
    why.push(`技能匹配（${request.preferredSkill}）`);
  if (senior && request.customerTier !== 'normal' && request.servedBy)
    why.push(`${request.customerTier} 客户由资深客服服务`);
  if (senior && (request.complexity ?? 0) >= COMPLEX) why.push('问题较复杂，优先资深客服');
  if (senior && request.priority >= 3) why.push('高优先级');
  if (request.previousAgentId === agent.agentId) why.push('曾服务过该客户');
  if (request.widen && agent.groups.includes(RAPID_SUPPORT)) why.push('等待超时，快速支持小组接手');
  why.push(`当前负载 ${agent.capacity - agent.freeSlots}/${agent.capacity}`);
  return why;
}

/**
 * A skill nobody online has becomes a preference: holding a customer for someone who is not there
 * helps nobody (whoever is online serves them, and the skill still ranks first once someone has it).
 */
export function routable(request: RoutingRequest, online: RoutingCandidate[]): RoutingRequest {
  const skill = request.skill;
  if (!skill || online.some((agent) => agent.skills.includes(skill))) return request;
  return { ...request, skill: undefined, preferredSkill: request.preferredSkill ?? skill };
}

/** Eligible candidates, best first; ties go to the agent id for a stable order. */
export function rankAgents<T extends RoutingCandidate>(agents: T[], request: RoutingRequest): T[] {
  return agents
    .filter((agent) => eligible(agent, request))
    .map((agent) => ({ agent, score: score(agent, request) }))
    .sort((a, b) => b.score - a.score || a.agent.agentId.localeCompare(b.agent.agentId))
    .map(({ agent }) => agent);
}

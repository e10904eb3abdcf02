// Free agents and routing requests for the pure routing and queue tables: the defaults of a junior
// agent with three free slots and a normal customer's request, each overridden where a row differs.
import type { RoutingCandidate, RoutingRequest } from '../../domain/routing';

export const candidate = (agentId: string, over: Partial<RoutingCandidate> = {}): RoutingCandidate => ({
  agentId,
  skills: [],
  tier: 'junior',
  groups: [],
  capacity: 3,
  freeSlots: 3,
  wecomUserId: agentId,
  ...over,
});

export const routingRequest = (over: Partial<RoutingRequest> = {}): RoutingRequest => ({
  customerTier: 'normal',
  priority: 1,
  excludeAgentIds: [],
  widen: false,
  ...over,
});

// The queue of conversations waiting for a person, as pure functions: its order (priority, then who
// has waited longest, with priority ageing so nobody starves), which waiting conversation each free
// agent gets (the first in order that the agent may serve), and the expected wait to tell a
// customer. The dispatcher workflow applies them; tests check them as tables.
import { rankAgents, whyChosen, type RoutingCandidate, type RoutingRequest } from './routing';

export interface Waiting {
  conversationId: string;
  openKfId: string;
  priority: number;
  enqueuedAt: number;
  /** Everything routing needs to choose for it (skill, tier, exclusions, servicers…). */
  request: RoutingRequest;
}

export interface QueueSettings {
  /** A waiting conversation gains one priority level per this much waiting. */
  agingMs: number;
}

export const defaultQueueSettings: QueueSettings = { agingMs: 10 * 60_000 };

export function effectivePriority(waiting: Waiting, now: number, settings = defaultQueueSettings): number {
  return waiting.priority + Math.floor(Math.max(0, now - waiting.enqueuedAt) / settings.agingMs);
}

/** Highest effective priority first, then the longest wait, then the id (a stable order). */
export function queueOrder(waiting: Waiting[], now: number, settings = defaultQueueSettings): Waiting[] {
  return [...waiting].sort(
    (a, b) =>
      effectivePriority(b, now, settings) - effectivePriority(a, now, settings) ||
      a.enqueuedAt - b.enqueuedAt ||
      a.conversationId.localeCompare(b.conversationId),
  );
}

export interface Match {
  conversationId: string;
  agentId: string;
  /** Why this agent, for the handoff card. */
  why: string[];
}

/**
 * Offers free capacity in queue order: each waiting conversation, in turn, gets the best free agent
 * who may serve it; an agent's free slots are used up as they are given out.
 */
export function matchQueue(
  waiting: Waiting[],
  agents: RoutingCandidate[],
  now: number,
  settings = defaultQueueSettings,
): Match[] {
  const free = new Map(agents.map((a) => [a.agentId, { ...a }]));
  const matches: Match[] = [];
  for (const w of queueOrder(waiting, now, settings)) {
    const candidates = [...free.values()].filter((a) => a.freeSlots > 0);
    if (candidates.length === 0) break;
    const best = rankAgents(candidates, w.request)[0];
    if (!best) continue;
    matches.push({ conversationId: w.conversationId, agentId: best.agentId, why: whyChosen(best, w.request) });
    free.set(best.agentId, { ...best, freeSlots: best.freeSlots - 1 });
  }
  return matches;
}

/**
 * What to tell a waiting customer: their place, and a wait estimated from how fast conversations
 * have been taken lately (undefined while nothing has been taken to estimate from).
 */
export function expectedWaitMs(position: number, recentAssignments: number[], now: number): number | undefined {
  const window = 30 * 60_000;
  const recent = recentAssignments.filter((at) => at > now - window);
  if (recent.length < 2) return undefined;
  const span = Math.max(now - Math.min(...recent), 60_000);
  const perMs = recent.length / span;
  return Math.round(position / perMs);
}

// Who is calling, and what each role may do. Pure: the routes and their tests share these rules.
import type { Role } from '../../db/models/user';

export type { Role };

export interface Principal {
  userId: string;
  name: string;
  role: Role;
  kbEditor: boolean;
  /** The agent record this user serves conversations as (agents usually; supervisors may have one). */
  agentId?: string;
  /** How the request proved it: a browser session, an API token, or ADMIN_API_TOKEN. */
  via: 'session' | 'apiToken' | 'adminToken';
}

/** What a route asks of the caller. */
export type Access = 'public' | 'user' | 'kbEditor' | 'supervisor' | 'admin';

const RANK: Record<Role, number> = { agent: 0, supervisor: 1, admin: 2 };

export const hasRole = (who: Principal, role: Role) => RANK[who.role] >= RANK[role];

/** Supervisors and admins see and act on every conversation, ticket and agent. */
export const seesEverything = (who: Principal) => hasRole(who, 'supervisor');

export const mayEditKnowledgeBase = (who: Principal) => who.role === 'admin' || who.kbEditor;

/** undefined when allowed, else why not (the 403's message). */
export function refusal(who: Principal, access: Exclude<Access, 'public' | 'user'>): string | undefined {
  if (access === 'kbEditor')
    return mayEditKnowledgeBase(who) ? undefined : 'editing the knowledge base needs the KB editor permission';
  return hasRole(who, access) ? undefined : `needs the ${access} role`;
}

/** The agent id the workflow records as acting: the user's agent, else the user. */
export const actingAgentId = (who: Principal) => who.agentId ?? who.userId;

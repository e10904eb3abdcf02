// Who is in the rapid-support group (快速支持小组): everyone signed in sees its members; supervisors
// add and remove them (an agent's `groups`), each change an event with who made it. Routing, the
// requests for help and the group's alerts all read the same `groups`, so a change counts at once.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AgentModel } from '../../db/models/agent';
import { EventModel } from '../../db/models/event';
import { RAPID_SUPPORT } from '../../domain/rapidSupport';
import type { Principal } from '../auth/principal';
import { defineRoute, type Route } from '../route';
import { HttpError } from '../validate';

const memberParams = z.object({ agentId: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/) });

async function members() {
  const agents = await AgentModel.find({ groups: RAPID_SUPPORT }).sort({ agentId: 1 }).lean();
  return agents.map((a) => ({ agentId: a.agentId, name: a.name, tier: a.tier, status: a.status }));
}

async function changeMembership(agentId: string, join: boolean, caller: Principal) {
  const changed = await AgentModel.updateOne(
    { agentId },
    join ? { $addToSet: { groups: RAPID_SUPPORT } } : { $pull: { groups: RAPID_SUPPORT } },
  );
  if (changed.matchedCount === 0) throw new HttpError(404, `no agent ${agentId}`);
  if (changed.modifiedCount === 1) {
    await EventModel.create({
      eventId: `group_member:${agentId}:${randomUUID()}`,
      type: join ? 'group_member_added' : 'group_member_removed',
      agentId,
      at: new Date(),
      data: { group: RAPID_SUPPORT, by: caller.userId, role: caller.role },
    });
  }
  return members();
}

export function rapidSupportRoutes(): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/rapid-support/members',
      tag: 'rapid support',
      summary: 'The members of the rapid-support group',
      access: 'user',
      handle: () => members(),
    }),
    defineRoute({
      method: 'put',
      path: '/api/rapid-support/members/:agentId',
      tag: 'rapid support',
      summary: 'Add an agent to the rapid-support group',
      access: 'supervisor',
      params: memberParams,
      handle: ({ params, caller }) => changeMembership(params.agentId, true, caller),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/rapid-support/members/:agentId',
      tag: 'rapid support',
      summary: 'Remove an agent from the rapid-support group',
      access: 'supervisor',
      params: memberParams,
      handle: ({ params, caller }) => changeMembership(params.agentId, false, caller),
    }),
  ];
}

// Agents: everyone signed in sees who is online and how loaded (for transfers); an agent sets
// their own status, a supervisor anyone's (with a reason, recorded as an event); admins keep the
// roster (skills, tier, capacity).
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import { setAgentStatus } from '../../activities/routing';
import { announceAgentStatus, announceCapacity } from '../agentPresence';
import { AgentModel } from '../../db/models/agent';
import { agentRoster, agentView } from '../agentRoster';
import { EventModel } from '../../db/models/event';
import { seesEverything } from '../auth/principal';
import { pageQuery } from '../pagination';
import { defineRoute, type Route } from '../route';
import { HttpError } from '../validate';

const agentParams = z.object({ agentId: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/) });

const agentProfile = z.strictObject({
  name: z.string().trim().min(1).max(64),
  wecomUserId: z.string().min(1).max(64).optional(),
  skills: z.array(z.string().min(1).max(64)).max(50).default([]),
  tier: z.enum(['junior', 'senior', 'supervisor']).default('junior'),
  groups: z.array(z.string().min(1).max(64)).max(20).default([]),
  capacity: z.number().int().min(0).max(50).default(3),
});

export function agentRoutes(temporal: Client, taskQueue: string): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/agents',
      tag: 'agents',
      summary: 'Agents with their status and free slots',
      description: 'Agents see the conversations they hold; supervisors and admins everyone’s.',
      access: 'user',
      query: z.object(pageQuery(200, 500)),
      async handle({ query, caller }) {
        return (await agentRoster(query)).map((agent) => agentView(caller, agent));
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/agents/:agentId',
      tag: 'agents',
      summary: 'Create or update an agent (skills, tier, capacity)',
      access: 'admin',
      params: agentParams,
      body: agentProfile,
      async handle({ params, body }) {
        const saved = await AgentModel.findOneAndUpdate(
          { agentId: params.agentId },
          { $set: body, $setOnInsert: { agentId: params.agentId, status: 'offline' } },
          { upsert: true, returnDocument: 'after' },
        ).lean();
        const { _id, ...agent } = saved!;
        // More capacity (or new skills) may let the queue move.
        await announceCapacity(temporal, taskQueue);
        return agent;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/agents/:agentId/status',
      tag: 'agents',
      summary: 'Set an agent’s status (online, away, offline)',
      description: 'Agents set their own; supervisors and admins anyone’s, with a reason.',
      access: 'user',
      params: agentParams,
      body: z.strictObject({
        status: z.enum(['online', 'away', 'offline']),
        reason: z.string().trim().min(1).max(500).optional(),
      }),
      async handle({ params, body, caller }) {
        const own = params.agentId === caller.agentId;
        if (!own && !seesEverything(caller)) throw new HttpError(403, 'agents set only their own status');
        const held = await setAgentStatus(params.agentId, body.status);
        if (held === undefined) throw new HttpError(404, `no agent ${params.agentId}`);
        await announceAgentStatus(temporal, taskQueue, params.agentId, body.status, held);
        if (!own) {
          await EventModel.create({
            eventId: `agent_status_set:${params.agentId}:${randomUUID()}`,
            type: 'agent_status_set',
            agentId: params.agentId,
            at: new Date(),
            data: { status: body.status, by: caller.userId, role: caller.role, reason: body.reason },
          });
        }
        return { agentId: params.agentId, status: body.status, conversations: held };
      },
    }),
  ];
}

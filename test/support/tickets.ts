// A ticket made the way agents make them: the customer asks for a person, the conversation is
// handed to this agent (the only one online), and the agent turns it into a ticket over the api.
import assert from 'node:assert/strict';
import { AgentModel } from '../../db/models/agent';
import type { Stack } from './stack';

export interface MadeTicket {
  ticketNo: string;
  conversationId: string;
  customer: string;
}

export async function ticketOf(
  stack: Stack,
  agentId: string,
  customer: string,
  title: string,
  options: { dueInMs?: number; priority?: 'low' | 'normal' | 'high' | 'urgent'; description?: string } = {},
): Promise<MadeTicket> {
  await AgentModel.updateMany({ agentId: { $ne: agentId } }, { $set: { status: 'offline' } });
  await AgentModel.updateOne({ agentId }, { $set: { status: 'online', capacity: 10 } });
  await stack.say(customer, `转人工，${title}`);
  const { conversationId, snapshot } = await stack.withAgent(customer);
  assert.equal(snapshot.agentId, agentId);
  const created = await stack
    .as(agentId)
    .api<{ ticketNo: string }>('POST', `/api/conversations/${encodeURIComponent(conversationId)}/ticket`, {
      title,
      priority: options.priority ?? 'normal',
      ...(options.description ? { description: options.description } : {}),
      ...(options.dueInMs ? { dueAt: new Date(Date.now() + options.dueInMs).toISOString() } : {}),
    });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  await stack.until(
    'the ticket stage',
    () => stack.snapshot(conversationId),
    (s) => s.state === 'ticket',
  );
  return { ticketNo: created.body.ticketNo, conversationId, customer };
}

// human: the customer and their agent. The first-response SLA reassigns to someone who has not let
// it lapse (the customer is never bounced between the same agents), and after the last allowed
// reassignment the conversation stays and is escalated, with one alert per SLA interval. Silence
// brings a "still there?" and then a close. An agent going away or offline hands it back to routing.
import { humanDeadline, onFirstResponseLapse } from '../../../domain/sla';
import { replies } from '../../../domain/replies';
import { requeue } from '../assignment';
import type { Conversation } from '../context';
import { absorb } from '../inbound';

export async function humanPhase(c: Conversation): Promise<void> {
  const d = c.d;
  while (d.phase === 'human' && !d.closing && d.human) {
    if (c.continueAsNewDue()) return;
    if (agentUnavailable(c)) {
      await requeue(c, 'agent_unavailable');
      return;
    }
    d.unavailableAgents = [];
    const due = humanDeadline(d.human, c.sla);
    await c.wait('human', due.at, () => d.inbox.length > 0 || agentUnavailable(c));
    if (c.interrupted('human') || !d.human) return;
    if (d.inbox.length > 0) {
      if ((await absorb(c)).length > 0) d.human.nudgedAt = undefined;
      continue;
    }
    const now = humanDeadline(d.human, c.sla);
    if (c.now() < now.at) continue; // an agent's reply moved the deadline
    if (now.kind === 'first_response') {
      if (await firstResponseLapsed(c)) return;
    } else if (now.kind === 'idle_nudge') {
      d.human.nudgedAt = c.now();
      if (c.state.id.humanMode === 'console') await c.out.say({ text: replies.stillThere, from: 'system' });
    } else {
      d.closing = 'idle';
    }
  }
}

const agentUnavailable = (c: Conversation) =>
  c.d.agent !== undefined && c.d.unavailableAgents.includes(c.d.agent.agentId);

/** true when the conversation left the agent (reassigned). */
async function firstResponseLapsed(c: Conversation): Promise<boolean> {
  const d = c.d;
  const human = d.human!;
  const agent = d.agent;
  const repeat = human.lastFirstResponseAlertAt !== undefined;
  human.lastFirstResponseAlertAt = c.now();
  human.firstResponseAlerts = (human.firstResponseAlerts ?? 0) + 1;
  const seconds = Math.round((c.now() - human.assignedAt) / 1000);
  await c.breach(
    'first_response',
    `客服 ${agent?.name ?? ''} 已 ${seconds} 秒未回复${d.escalated ? '（已升级）' : ''}`,
    repeat,
  );
  if (d.escalated || !agent) return false;
  if (onFirstResponseLapse(d.reassignments, c.sla) === 'reassign') {
    d.reassignments += 1;
    for (const list of [d.lapsedAgents, d.excludedAgents]) if (!list.includes(agent.agentId)) list.push(agent.agentId);
    await requeue(c, 'first_response_lapsed');
    return true;
  }
  d.escalated = true;
  c.records.add({ type: 'escalated', agentId: agent.agentId, lapses: d.reassignments + 1 });
  return false;
}

// Conversation metrics for Prometheus (prom-client, served on the worker's /metrics), derived from
// the same typed events analytics use: every handoff has its reason, every SLA breach its kind.
// Labels stay bounded: reasons, kinds, scores and outcomes are fixed lists; agents are the roster.
import { Counter, Histogram } from 'prom-client';
import { assumedContainmentCandidate, botOnly, confirmedContained } from '../domain/kpi';

const events = new Counter({
  name: 'cs_conversation_events_total',
  help: 'Conversation events by type',
  labelNames: ['type'] as const,
});
const handoffs = new Counter({
  name: 'cs_handoffs_total',
  help: 'Handoffs to a human by reason',
  labelNames: ['reason'] as const,
});
const slaBreaches = new Counter({
  name: 'cs_sla_breaches_total',
  help: 'SLA breaches by kind',
  labelNames: ['kind'] as const,
});
const botAnswers = new Counter({
  name: 'cs_bot_outcomes_total',
  help: 'Bot outcomes: answered, resolved (silently or not)',
  labelNames: ['outcome'] as const,
});
const csat = new Counter({
  name: 'cs_csat_total',
  help: 'Satisfaction survey answers, for conversations the bot served alone or people served',
  labelNames: ['score', 'served_by'] as const,
});
const agentCsat = new Counter({
  name: 'cs_agent_csat_total',
  help: 'Satisfaction survey answers by the agent who served the conversation',
  labelNames: ['agent', 'score'] as const,
});
const opened = new Counter({
  name: 'cs_conversations_opened_total',
  help: 'Conversations opened, by who had them first',
  labelNames: ['started_with'] as const,
});
const closed = new Counter({
  name: 'cs_conversations_closed_total',
  help: 'Conversations closed by outcome (bot_confirmed, bot_unconfirmed, bot_other, human, abandoned) and agent (bot for none)',
  labelNames: ['outcome', 'agent'] as const,
});
const misjudgements = new Counter({
  name: 'cs_misjudgements_total',
  help: 'Bot answers judged wrong: rejected by the customer, or marked wrong by an agent',
  labelNames: ['source'] as const,
});
const notUnderstood = new Counter({
  name: 'cs_not_understood_total',
  help: 'Customer questions the bot could not place',
});
const handling = new Histogram({
  name: 'cs_handling_seconds',
  help: 'Time agents spent on a conversation (assignment to leaving the human phase), by agent',
  labelNames: ['agent'] as const,
  buckets: [30, 60, 120, 300, 600, 1200, 1800, 3600],
});
const botFirstResponse = new Histogram({
  name: 'cs_bot_first_response_seconds',
  help: 'From the start of a conversation to the bot’s first reply',
  buckets: [0.25, 0.5, 1, 2, 5, 10, 30],
});
const queueWait = new Histogram({
  name: 'cs_queue_wait_seconds',
  help: 'Time from handoff to an agent',
  buckets: [5, 15, 30, 60, 120, 300, 600, 1800],
});
const firstResponse = new Histogram({
  name: 'cs_agent_first_response_seconds',
  help: 'Time from assignment to the agent’s first reply, by agent',
  labelNames: ['agent'] as const,
  buckets: [5, 15, 30, 60, 120, 300, 600],
});
const wecomCalls = new Histogram({
  name: 'cs_wecom_api_seconds',
  help: 'WeCom API latency by path and outcome',
  labelNames: ['path', 'outcome'] as const,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
});

export function observeEvent(type: string, data: Record<string, unknown>): void {
  events.inc({ type });
  const text = (key: string) => (typeof data[key] === 'string' ? (data[key] as string) : 'unknown');
  const seconds = (key: string) => (typeof data[key] === 'number' ? (data[key] as number) : undefined);
  if (type === 'handoff') handoffs.inc({ reason: text('reason') });
  if (type === 'sla_breach') slaBreaches.inc({ kind: text('kind') });
  if (type === 'bot_answer') botAnswers.inc({ outcome: 'answered' });
  if (type === 'bot_resolved') botAnswers.inc({ outcome: data.silently ? 'resolved_silently' : 'resolved' });
  if (type === 'csat') {
    const agent = typeof data.agentId === 'string' ? data.agentId : undefined;
    csat.inc({ score: text('score'), served_by: agent ? 'human' : 'bot' });
    if (agent) agentCsat.inc({ agent, score: text('score') });
  }
  if (type === 'assigned' && seconds('waitSeconds') !== undefined) queueWait.observe(seconds('waitSeconds')!);
  if (type === 'first_response' && seconds('seconds') !== undefined)
    firstResponse.observe({ agent: text('agentId') }, seconds('seconds')!);
  if (type === 'opened') opened.inc({ started_with: text('startedWith') });
  if (type === 'answer_rejected') misjudgements.inc({ source: 'customer' });
  if (type === 'not_understood') notUnderstood.inc();
  if (type === 'bot_first_response' && seconds('ms') !== undefined) botFirstResponse.observe(seconds('ms')! / 1000);
  if (type === 'closed') observeClosed(data);
}

function observeClosed(data: Record<string, unknown>): void {
  const closing = {
    reason: String(data.reason ?? ''),
    handoffReason: typeof data.handoffReason === 'string' ? data.handoffReason : undefined,
    servedBy: typeof data.servedBy === 'string' ? data.servedBy : undefined,
    answered: data.answered === true,
    abandoned: data.abandoned === true,
  };
  const outcome = confirmedContained(closing)
    ? 'bot_confirmed'
    : assumedContainmentCandidate(closing)
      ? 'bot_unconfirmed'
      : botOnly(closing)
        ? 'bot_other'
        : closing.abandoned
          ? 'abandoned'
          : 'human';
  closed.inc({ outcome, agent: closing.servedBy ?? 'bot' });
  if (closing.servedBy && typeof data.handlingSeconds === 'number')
    handling.observe({ agent: closing.servedBy }, data.handlingSeconds);
}

export function observeWecomCall(call: { path: string; ms: number; errcode?: number; error?: string }): void {
  const outcome = call.error ? 'error' : call.errcode ? `errcode_${call.errcode}` : 'ok';
  wecomCalls.observe({ path: call.path, outcome }, call.ms / 1000);
}

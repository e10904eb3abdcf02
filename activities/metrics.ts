// Conversation metrics for Prometheus (prom-client, served on the worker's /metrics), derived from
// the same typed events analytics use: every handoff has its reason, every SLA breach its kind.
import { Counter, Histogram } from 'prom-client';

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
  help: 'Satisfaction survey answers',
  labelNames: ['score'] as const,
});
const queueWait = new Histogram({
  name: 'cs_queue_wait_seconds',
  help: 'Time from handoff to an agent',
  buckets: [5, 15, 30, 60, 120, 300, 600, 1800],
});
const firstResponse = new Histogram({
  name: 'cs_agent_first_response_seconds',
  help: 'Time from assignment to the agent’s first reply',
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
  if (type === 'csat') csat.inc({ score: text('score') });
  if (type === 'assigned' && seconds('waitSeconds') !== undefined) queueWait.observe(seconds('waitSeconds')!);
  if (type === 'first_response' && seconds('seconds') !== undefined) firstResponse.observe(seconds('seconds')!);
}

export function observeWecomCall(call: { path: string; ms: number; errcode?: number; error?: string }): void {
  const outcome = call.error ? 'error' : call.errcode ? `errcode_${call.errcode}` : 'ok';
  wecomCalls.observe({ path: call.path, outcome }, call.ms / 1000);
}

// What the Temporal UI shows a supervisor about one conversation, in Chinese: its state, why it was
// handed off, since when it waits, who serves it, the next deadline. Kept current with
// setCurrentDetails (a query-able value, not a command, so recorded histories replay unchanged).
import { setCurrentDetails } from '@temporalio/workflow';
import labels from '../../domain/labels.json';
import type { ConversationState } from './state';

// The same Chinese labels as the workspace's (domain/labels.json), so both views say the same thing.
const STATES: Record<string, string> = labels.states;
const REASONS: Record<string, string> = labels.handoffReasons;
const TIMERS: Record<string, string> = labels.timers;

/** China Standard Time, as supervisors read it. */
const clock = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(5, 19).replace('T', ' ');

export function currentDetails(state: ConversationState): string {
  const d = state.d;
  const lines = [`**${STATES[d.phase] ?? d.phase}**（${d.phase}）`];
  lines.push(
    `客户：${d.customer.nickname ?? state.id.externalUserId}（${d.customer.tier}）· 客服账号 ${state.id.openKfId}`,
  );
  if (d.handoff)
    lines.push(`转人工原因：${REASONS[d.handoff.reason] ?? d.handoff.reason} · 优先级 ${d.handoff.priority}`);
  if (d.queue) lines.push(`排队开始：${clock(d.queue.queuedAt)}（北京时间）`);
  if (d.agent) lines.push(`客服：${d.agent.name}（${d.agent.agentId}）`);
  if (d.ticket) lines.push(`工单：${d.ticket.ticketNo}（${d.ticket.priority}）`);
  const due = Object.entries(state.timersDue()).sort((a, b) => a[1] - b[1])[0];
  if (due) lines.push(`下一个时限：${TIMERS[due[0]] ?? due[0]} ${clock(due[1])}`);
  return lines.join('\n');
}

export function showCurrentDetails(state: ConversationState): void {
  setCurrentDetails(currentDetails(state));
}

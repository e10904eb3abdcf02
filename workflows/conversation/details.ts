// What the Temporal UI shows a supervisor about one conversation, in Chinese: its state, why it was
// handed off, since when it waits, who serves it, the next deadline. Kept current with
// setCurrentDetails (a query-able value, not a command, so recorded histories replay unchanged).
import { setCurrentDetails } from '@temporalio/workflow';
import type { ConversationState } from './state';

const STATES: Record<string, string> = {
  bot: '机器人接待中',
  confirming: '等待客户确认回答',
  queued: '排队等待人工',
  human: '人工服务中',
  ticket: '工单跟进中',
  closed: '已结束',
};
const REASONS: Record<string, string> = {
  customer_request: '客户要求人工',
  low_confidence: '机器人未理解',
  repeated_question: '重复提问',
  answer_rejected: '回答未解决',
  negative_sentiment: '客户不满',
  high_risk: '高风险',
  vip: 'VIP',
  agent_requested: '客服接入',
  bot_unavailable: '机器人不可用',
  follow_up: '人工后续',
};
const TIMERS: Record<string, string> = {
  confirmation: '确认超时',
  botIdle: '无消息关闭',
  queueWaitSla: '排队时限',
  firstResponseSla: '首次响应时限',
  humanIdleNudge: '空闲提醒',
  humanIdleClose: '空闲关闭',
  ticketSla: '工单时限',
  csat: '评价截止',
};

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

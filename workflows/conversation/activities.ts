// The conversation's activities with their timeouts. Each timeout is above the budget of what the
// activity waits on (the WeCom client gives up after WECOM_CALL_BUDGET_MS, an LLM after
// LLM_TURN_BUDGET_MS), so an activity is never cut off while its own retries are still running.
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { AlertActivities } from '../../activities/alerts';
import type { ConversationActivities } from '../../activities/conversation';
import type { InboxActivities } from '../../activities/inbox';
import type { RoutingActivities } from '../../activities/routing';
import type { TicketActivities } from '../../activities/tickets';

/**
 * Understanding runs as a local activity, in the worker's own workflow task: no round trip through
 * the Temporal server on the hot path (docs/PERFORMANCE.md). A few quick tries; if the engine itself
 * is down the customer gets a human instead.
 */
export const brain = proxyLocalActivities<Pick<ConversationActivities, 'understand'>>({
  summary: '理解客户消息',
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 3, initialInterval: '500 milliseconds' },
});

export const summaries = proxyActivities<Pick<ConversationActivities, 'buildHandoffCard'>>({
  summary: '写交接摘要',
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 3, initialInterval: '500 milliseconds' },
});

/**
 * Talking to WeCom and recording: retried until it works (a WeCom or MongoDB outage delays the
 * conversation, never loses a message), for at most an hour; after that the conversation records
 * the failure and goes on, and the deployment-error alert has been raised long before.
 */
const untilFixed = {
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '1 second', maximumInterval: '60 seconds' },
} as const;

/** Opening a conversation (the customer's profile, WeCom's session) is local too. */
export const opening = proxyLocalActivities<Pick<ConversationActivities, 'openConversation'>>({
  startToCloseTimeout: '45 seconds',
  ...untilFixed,
});

export const wecom = proxyActivities<
  Pick<ConversationActivities, 'record' | 'setServiceState' | 'claimSession' | 'listServingServicers'>
>({ summary: '企业微信会话与记录', startToCloseTimeout: '45 seconds', ...untilFixed });

/** A turn's messages: several WeCom calls, with a heartbeat before each, so a lost worker is noticed in seconds. */
export const delivery = proxyActivities<Pick<ConversationActivities, 'deliver'>>({
  summary: '发送消息并记录事件',
  startToCloseTimeout: '3 minutes',
  heartbeatTimeout: '20 seconds',
  ...untilFixed,
});

export const routing = proxyActivities<RoutingActivities>({
  summary: '分配客服',
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

export const alerts = proxyActivities<AlertActivities>({ summary: 'SLA 告警', startToCloseTimeout: '15 seconds' });

export const tickets = proxyActivities<TicketActivities>({
  summary: '工单',
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

export const sessions = proxyActivities<Pick<InboxActivities, 'forwardToNextSession'>>({
  summary: '转入客户的下一个会话',
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

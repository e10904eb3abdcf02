// Behaviour changes of the conversation workflow, each behind a patch marker: a run that started
// before a change replays with the code it ran (its history has no marker), a run after it takes
// the new path. A run continues as new on the newest code, so an old path is needed only until the
// runs that started on it have moved on; recorded histories of each version stay in the replay test.
import { patched } from '@temporalio/workflow';

export const versions = {
  /**
   * The queue is the dispatcher workflow's (offers in priority order, places told to the customer)
   * rather than each queued conversation polling routing (phases/queuePolling.ts).
   */
  dispatcherQueue: () => patched('dispatcher-queue'),
  /**
   * The facts the KPIs and the review queue need are recorded as they happen (facts.ts: opened,
   * re-contacts, the bot's first response, rejected answers, questions not understood). Records are
   * written by an activity, so a run from before them would write at other moments.
   */
  kpiFacts: () => patched('kpi-facts'),
  /**
   * A session our API holds is ended in WeCom after the survey wait, once the customer has been
   * quiet, rather than at close: a message already on its way (a fault or a backlog delaying its
   * delivery) would land in an ended session that no API call may reopen, and go unanswered.
   */
  endSessionWhenQuiet: () => patched('end-session-when-quiet'),
  /**
   * A ticket's priority and due time may change after it was created (ticketRevisedSignal): its
   * overdue alerts follow. Asked in the signal's handler, so a revision a worker without the handler
   * received replays as ignored.
   */
  ticketRevisions: () => patched('ticket-revisions'),
  /**
   * A high-risk handoff (at the handoff, or a queued customer's risk raising the priority) raises an
   * alert for the rapid-support group, as an SLA breach does. Asked only when there is such a risk.
   */
  groupAlerts: () => patched('group-alerts'),
  /**
   * The bot's first response time is written by the delivery that carries the first bot reply
   * (timed when it is sent) rather than by a record activity after it: a new conversation's first
   * answer costs one activity and one workflow task less. Asked before that delivery.
   */
  firstReplyWithDelivery: () => patched('first-reply-with-delivery'),
};

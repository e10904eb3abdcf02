// The profile of the hot path, one customer message → one answer, on a kf account of its own:
// workflow tasks and activities per message (from the Temporal histories of its inbox and its
// conversations) and MongoDB round trips per message by command and collection (from a counting
// proxy in front of the store), for a first message (new conversation) and a follow-up.
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { conversationWorkflowId, kfInboxWorkflowId } from '../workflows/conversationContract';
import type { CommandCounter } from './mongoCounter';
import { runPhase } from './traffic';

const EventType = temporal.api.enums.v1.EventType;

/** Collections that grow with traffic: on FerretDB every look-up in them scans them whole. */
export const GROWING = new Set(['messages', 'events', 'customers', 'conversations', 'tickets', 'alerts']);
/** Commands that insert only: they stay flat however large the collection. */
const APPENDS = new Set(['insert']);

export interface TurnProfile {
  messages: number;
  workflowTasksPerMessage: Record<string, number>;
  activitiesPerMessage: Record<string, number>;
  mongoRoundTripsPerMessage: Record<string, number>;
  /** Round trips per message that filter a collection growing with traffic (a scan on FerretDB). */
  scansOfGrowingPerMessage: number;
}

interface HistoryCounts {
  workflowTasks: number;
  activities: Map<string, number>;
}

async function historyCounts(client: Client, workflowId: string): Promise<HistoryCounts> {
  const counts: HistoryCounts = { workflowTasks: 0, activities: new Map() };
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  for (const event of history.events ?? []) {
    if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) counts.workflowTasks += 1;
    if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
      const name = event.activityTaskScheduledEventAttributes?.activityType?.name ?? '?';
      counts.activities.set(name, (counts.activities.get(name) ?? 0) + 1);
    }
  }
  return counts;
}

async function totals(client: Client, workflowIds: string[]): Promise<HistoryCounts> {
  const sum: HistoryCounts = { workflowTasks: 0, activities: new Map() };
  for (const id of workflowIds) {
    const counts = await historyCounts(client, id);
    sum.workflowTasks += counts.workflowTasks;
    for (const [name, n] of counts.activities) sum.activities.set(name, (sum.activities.get(name) ?? 0) + n);
  }
  return sum;
}

const perMessage = (n: number, messages: number) => Number((n / messages).toFixed(2));

function turn(
  messages: number,
  before: { inbox: HistoryCounts; conversations: HistoryCounts },
  after: { inbox: HistoryCounts; conversations: HistoryCounts },
  counter: CommandCounter,
): TurnProfile {
  const activities: Record<string, number> = {};
  for (const which of ['inbox', 'conversations'] as const) {
    for (const [name, n] of after[which].activities) {
      const delta = n - (before[which].activities.get(name) ?? 0);
      if (delta > 0) activities[name] = perMessage(delta, messages);
    }
  }
  const mongo: Record<string, number> = {};
  let scans = 0;
  for (const [command, n] of [...counter.counts].sort((a, b) => b[1] - a[1])) {
    const [verb, collection] = command.split(' ');
    if (!collection || ['hello', 'isMaster', 'ping', 'endSessions', 'buildInfo'].includes(verb!)) continue;
    mongo[command] = perMessage(n, messages);
    if (GROWING.has(collection) && !APPENDS.has(verb!)) scans += n;
  }
  return {
    messages,
    workflowTasksPerMessage: {
      inbox: perMessage(after.inbox.workflowTasks - before.inbox.workflowTasks, messages),
      conversation: perMessage(after.conversations.workflowTasks - before.conversations.workflowTasks, messages),
    },
    activitiesPerMessage: activities,
    mongoRoundTripsPerMessage: mongo,
    scansOfGrowingPerMessage: perMessage(scans, messages),
  };
}

export interface ProfileOptions {
  client: Client;
  sandboxUrl: string;
  openKfId: string;
  counter: CommandCounter;
  customers: number;
  ratePerS: number;
  runId: string;
  onProgress(line: string): void;
}

/** A first message from each customer, then a follow-up from each: one profile for each kind. */
export async function profileTurns(options: ProfileOptions): Promise<{ first: TurnProfile; followUp: TurnProfile }> {
  const customers = Array.from({ length: options.customers }, (_, i) => `${options.runId}prof${i}`);
  const conversationIds = customers.map((c) => conversationWorkflowId(options.openKfId, c, 1));
  const inboxId = kfInboxWorkflowId(options.openKfId);
  const empty: HistoryCounts = { workflowTasks: 0, activities: new Map() };
  const phase = () =>
    runPhase({
      sandboxUrl: options.sandboxUrl,
      openKfId: options.openKfId,
      ratePerS: options.ratePerS,
      durationMs: (customers.length * 1000) / options.ratePerS,
      customer: (i) => customers[i]!,
      drainMs: 60_000,
      onProgress: (line) => options.onProgress(`profile ${line}`),
    });

  options.counter.reset();
  await phase();
  await new Promise((resolve) => setTimeout(resolve, 2000)); // the writes after the answer
  const afterFirst = {
    inbox: await totals(options.client, [inboxId]),
    conversations: await totals(options.client, conversationIds),
  };
  const first = turn(customers.length, { inbox: empty, conversations: empty }, afterFirst, options.counter);

  options.counter.reset();
  await phase();
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const afterFollow = {
    inbox: await totals(options.client, [inboxId]),
    conversations: await totals(options.client, conversationIds),
  };
  const followUp = turn(customers.length, afterFirst, afterFollow, options.counter);
  return { first, followUp };
}

// What an agent's status change means for the conversations: going away or offline hands every
// conversation they hold back to routing (each workflow re-queues it and records why); coming online
// wakes the queued conversations so the first free agent is offered one at once, not at the next
// routing retry.
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { agentUnavailableSignal, routingChangedSignal } from '../workflows/conversationContract';

/** Queued conversations woken per status change; the rest ask routing again on their own. */
const WAKE_LIMIT = 50;

export async function announceAgentStatus(
  temporal: Client,
  agentId: string,
  status: 'online' | 'away' | 'offline',
  held: string[],
): Promise<void> {
  if (status === 'online') {
    await wakeQueuedConversations(temporal);
    return;
  }
  for (const conversationId of held) {
    await temporal.workflow
      .getHandle(conversationId)
      .signal(agentUnavailableSignal, { agentId, status })
      .catch((error: unknown) => {
        // A conversation that ended meanwhile has nothing to hand back.
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      });
  }
}

/** Signals the longest-waiting, highest-priority queued conversations (Temporal visibility). */
export async function wakeQueuedConversations(temporal: Client): Promise<number> {
  let woken = 0;
  const queued = temporal.workflow.list({ query: `CsState = "queued" AND ExecutionStatus = "Running"` });
  for await (const workflow of queued) {
    if (woken >= WAKE_LIMIT) break;
    await temporal.workflow
      .getHandle(workflow.workflowId)
      .signal(routingChangedSignal)
      .catch(() => undefined);
    woken += 1;
  }
  return woken;
}

// What an agent's status change means for the conversations: going away or offline hands every
// conversation they hold back to routing (each workflow re-queues it and records why); coming
// online (or more capacity) tells the dispatcher, which offers the queue's first conversation that
// agent may serve at once.
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { agentUnavailableSignal } from '../workflows/conversationContract';
import type { dispatcher } from '../workflows/dispatcher';
import { capacityChangedSignal, dispatcherWorkflowId } from '../workflows/dispatcherContract';

export async function announceAgentStatus(
  temporal: Client,
  taskQueue: string,
  agentId: string,
  status: 'online' | 'away' | 'offline',
  held: string[],
): Promise<void> {
  if (status === 'online') {
    await announceCapacity(temporal, taskQueue);
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

/** Capacity may have appeared: the dispatcher (started if none runs) looks at the queue again. */
export async function announceCapacity(temporal: Client, taskQueue: string): Promise<void> {
  await temporal.workflow.signalWithStart<typeof dispatcher, []>('dispatcher', {
    workflowId: dispatcherWorkflowId(taskQueue),
    taskQueue,
    args: [{}],
    signal: capacityChangedSignal,
    signalArgs: [],
  });
}

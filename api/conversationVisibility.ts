// Open conversations as Temporal visibility sees them: running conversation workflows on this
// deployment's task queue, with the search attributes the workflow keeps current (CsState,
// CsAgent, CsPriority…). Lists of open work read from here, never from the MongoDB mirror, which
// keeps every conversation ever held and is scanned whole by FerretDB on each query (MONGODB.md).
import type { Client } from '@temporalio/client';
import { CONVERSATION_WORKFLOW, type CsState as State } from '../workflows/conversationContract';
import { CsAgent, CsCustomerTier, CsHandoffReason, CsPriority, CsSkill, CsState } from '../workflows/searchAttributes';

/** Visibility queries never hang a caller for longer than this. */
const VISIBILITY_DEADLINE_MS = 3000;

/** Running conversations on the task queue, in these states; conversations on the first workflow version count too. */
export function runningConversationsQuery(taskQueue: string, states: readonly State[]): string {
  const types = `(WorkflowType = '${CONVERSATION_WORKFLOW}' OR WorkflowType = 'conversationWorkflow')`;
  const inStates =
    states.length === 1 ? `CsState = '${states[0]}'` : `CsState IN (${states.map((s) => `'${s}'`).join(', ')})`;
  return `${types} AND ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue}' AND ${inStates}`;
}

export interface OpenConversation {
  conversationId: string;
  state: State;
  agentId?: string;
  priority?: number;
  handoffReason?: string;
  skill?: string;
  customerTier?: string;
  startedAt: number;
}

/** At most `limit` running conversations in these states (visibility has no order: callers sort). */
export async function listOpenConversations(
  temporal: Client,
  taskQueue: string,
  states: readonly State[],
  limit: number,
): Promise<OpenConversation[]> {
  const found: OpenConversation[] = [];
  await temporal.connection.withDeadline(Date.now() + VISIBILITY_DEADLINE_MS, async () => {
    const listing = temporal.workflow.list({ query: runningConversationsQuery(taskQueue, states), pageSize: limit });
    for await (const workflow of listing) {
      const attributes = workflow.typedSearchAttributes;
      const state = attributes.get(CsState) as State | undefined;
      if (!state) continue;
      found.push({
        conversationId: workflow.workflowId,
        state,
        agentId: attributes.get(CsAgent),
        priority: attributes.get(CsPriority),
        handoffReason: attributes.get(CsHandoffReason),
        skill: attributes.get(CsSkill),
        customerTier: attributes.get(CsCustomerTier),
        startedAt: workflow.startTime.getTime(),
      });
      if (found.length >= limit) break;
    }
  });
  return found;
}

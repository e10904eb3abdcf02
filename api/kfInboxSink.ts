// Where a verified WeCom callback goes: signal-with-start of the kf account's inbox workflow.
// Many callbacks in a burst become signals to one running inbox, which coalesces them.
import type { Client } from '@temporalio/client';
import { kfInboxWorkflowId } from '../workflows/conversationContract';
import { kfCallbackSignal, type kfInbox, type KfCallback } from '../workflows/kfInbox';

export interface KfCallbackEvent {
  openKfId: string;
  token?: string;
}

export function kfInboxSink(temporal: Client, taskQueue: string) {
  return async ({ openKfId, token }: KfCallbackEvent): Promise<void> => {
    await temporal.workflow.signalWithStart<typeof kfInbox, [KfCallback]>('kfInbox', {
      workflowId: kfInboxWorkflowId(openKfId),
      taskQueue,
      args: [{ openKfId }],
      signal: kfCallbackSignal,
      signalArgs: [{ token }],
    });
  };
}

// The benchmark's floor (bench/): the least work Temporal can do for one WeCom customer message on
// the product's own path. A kf account's inbox pulls kf/sync_msg and signals one echo workflow per
// customer, which answers each message with one send_msg. Same api callback, same Temporal server,
// same worker and WeCom client as the product, and nothing else: no database, no understanding.
import {
  condition,
  continueAsNew,
  defineSignal,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { FloorActivities } from '../activities/floor';
import { kfCallbackSignal } from './kfInbox';

export const floorInboundSignal = defineSignal<[FloorMessage[]]>('floorInbound');

export interface FloorMessage {
  msgid: string;
  text: string;
}

export interface FloorInboxInput {
  openKfId: string;
  cursor?: string;
  pending?: boolean;
}

const { syncFloorMessages, sendFloorEcho } = proxyActivities<FloorActivities>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds' },
});

/** Started by the benchmark under the kf account's inbox id, so the api's callbacks reach it. */
export async function floorInboxWorkflow(input: FloorInboxInput): Promise<void> {
  let cursor = input.cursor;
  let token: string | undefined;
  let pending = input.pending ?? false;
  setHandler(kfCallbackSignal, (callback) => {
    token = callback.token ?? token;
    pending = true;
  });
  while (!workflowInfo().continueAsNewSuggested) {
    await condition(() => pending);
    pending = false;
    cursor = await syncFloorMessages({ openKfId: input.openKfId, cursor, token });
  }
  await continueAsNew<typeof floorInboxWorkflow>({ openKfId: input.openKfId, cursor, pending });
}

/** One customer: each message answered by one send_msg; closes after a quiet while. */
export async function floorEchoWorkflow(input: { openKfId: string; externalUserId: string }): Promise<void> {
  const inbox: FloorMessage[] = [];
  setHandler(floorInboundSignal, (messages) => void inbox.push(...messages));
  while (await condition(() => inbox.length > 0, '10 minutes')) {
    const batch = inbox.splice(0);
    await sendFloorEcho({
      ...input,
      msgid: `floor${batch[0]!.msgid}`.slice(0, 32),
      text: batch.map((m) => m.text).join('\n'),
    });
    if (workflowInfo().continueAsNewSuggested) break;
  }
}

// The first version of the kf inbox, frozen: inbox runs started on it replay here, and the next time
// a callback wakes them they move to the current inbox (workflows/kfInbox.ts, type `kfInbox`) with
// their cursor and seen msgids, behind the patch MOVE_TO_CURRENT_PATCH.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  makeContinueAsNewFunc,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { InboxActivities } from '../../activities/inbox';
import { kfCallbackSignal, type kfInbox } from '../kfInbox';

const MOVE_TO_CURRENT_PATCH = 'move-to-kfInbox';
/** Made when needed: it may only be called inside a workflow. */
const continueAsCurrent = (input: Parameters<typeof kfInbox>[0]) =>
  makeContinueAsNewFunc<typeof kfInbox>({ workflowType: 'kfInbox' })(input);

export interface KfInboxInput {
  openKfId: string;
  cursor?: string;
  /** Recently delivered msgids (bounded), carried across continue-as-new. */
  seen?: string[];
  token?: string;
  /** A callback arrived that the previous run had not synced yet. */
  pending?: boolean;
  /** Continue-as-new after this many syncs (keeps the history small). */
  syncsPerRun?: number;
}

const SEEN_LIMIT = 5000;

const { syncKfMessages, deliverToConversations } = proxyActivities<InboxActivities>({
  startToCloseTimeout: '60 seconds',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

export async function kfInboxWorkflow(input: KfInboxInput): Promise<void> {
  const { openKfId } = input;
  let cursor = input.cursor;
  let token = input.token;
  let pending = input.pending ?? false;
  const seen = new Set(input.seen ?? []);
  const seenOrder = [...seen];

  setHandler(kfCallbackSignal, (callback) => {
    if (callback.token) token = callback.token;
    pending = true;
  });

  for (let syncs = 0; syncs < (input.syncsPerRun ?? 200); syncs++) {
    await condition(() => pending);
    if (allHandlersFinished() && patched(MOVE_TO_CURRENT_PATCH)) {
      await continueAsCurrent({ openKfId, cursor, seen: [...seen], token, pending });
    }
    pending = false;
    let hasMore = true;
    while (hasMore) {
      const page = await syncKfMessages({ openKfId, cursor, token });
      cursor = page.nextCursor ?? cursor;
      hasMore = page.hasMore;
      if (page.tokenRejected) token = undefined; // expired: go on without it until the next callback
      const fresh = page.messages.filter(({ message }) => !seen.has(message.msgid));
      for (const { message } of fresh) {
        seen.add(message.msgid);
        seenOrder.push(message.msgid);
      }
      while (seenOrder.length > SEEN_LIMIT) seen.delete(seenOrder.shift()!);
      if (fresh.length > 0) await deliverToConversations({ openKfId, messages: fresh });
    }
    if (workflowInfo().continueAsNewSuggested) break;
  }
  await condition(allHandlersFinished);
  await continueAsNew<typeof kfInboxWorkflow>({
    ...input,
    cursor,
    seen: seenOrder,
    token,
    pending,
  });
}

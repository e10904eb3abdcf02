// One inbox per WeCom kf account. WeCom callbacks carry no content, only "there is news" and a sync
// token; this workflow pulls kf/sync_msg a page at a time, drops msgids already seen, and hands each
// customer's messages to their conversation. Callbacks that arrive while a sync runs coalesce into
// one more sync; only one sync per account runs at a time, as WeCom requires. A new run (after
// continue-as-new, a reset or a termination) resumes from the cursor saved after the last
// delivered page, and it continues as new between pages however long a backlog is.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineSignal,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { InboxActivities } from '../activities/inbox';

export interface KfInboxInput {
  openKfId: string;
  /** Where to read on; absent: where the last delivered page ended (saved in MongoDB). */
  cursor?: string;
  /** Recently delivered msgids (bounded), carried across continue-as-new. */
  seen?: string[];
  token?: string;
  /** A callback arrived that the previous run had not synced yet (or a backlog is being paged). */
  pending?: boolean;
  /** Continue-as-new after this many pages (keeps the history small). */
  pagesPerRun?: number;
}

export interface KfCallback {
  token?: string;
}

export const kfCallbackSignal = defineSignal<[KfCallback]>('kfCallback');

const SEEN_LIMIT = 5000;

const { loadInboxCursor, syncKfPage } = proxyActivities<InboxActivities>({
  startToCloseTimeout: '60 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});
// Delivery heartbeats after every customer and resumes from there; a page of hundreds of customers
// may take minutes, a stuck one is noticed within the heartbeat timeout.
const { deliverKfPage } = proxyActivities<InboxActivities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

export async function kfInbox(input: KfInboxInput): Promise<void> {
  const { openKfId } = input;
  let token = input.token;
  let pending = input.pending ?? false;
  const seenOrder = [...(input.seen ?? [])];
  const seen = new Set(seenOrder);

  setHandler(kfCallbackSignal, (callback) => {
    if (callback.token) token = callback.token;
    pending = true;
  });

  let cursor = input.cursor ?? (await loadInboxCursor({ openKfId })).cursor;
  const pagesPerRun = input.pagesPerRun ?? 200;
  for (let pages = 0; pages < pagesPerRun && !workflowInfo().continueAsNewSuggested;) {
    await condition(() => pending);
    pending = false;
    let hasMore = true;
    while (hasMore) {
      const page = await syncKfPage({ openKfId, cursor, token });
      if (page.tokenRejected) token = undefined; // expired: go on without it until the next callback
      const fresh = page.msgids.filter((msgid) => !seen.has(msgid));
      await deliverKfPage({ openKfId, pageId: page.pageId, msgids: fresh, cursorAfter: page.nextCursor });
      for (const msgid of fresh) {
        seen.add(msgid);
        seenOrder.push(msgid);
      }
      while (seenOrder.length > SEEN_LIMIT) seen.delete(seenOrder.shift()!);
      cursor = page.nextCursor ?? cursor;
      hasMore = page.hasMore;
      pages += 1;
      if (hasMore && (pages >= pagesPerRun || workflowInfo().continueAsNewSuggested)) {
        pending = true; // the rest of the backlog is the next run's
        break;
      }
    }
  }
  await condition(allHandlersFinished);
  await continueAsNew<typeof kfInbox>({ ...input, cursor, seen: seenOrder, token, pending });
}

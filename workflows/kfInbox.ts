// One inbox per WeCom kf account. WeCom callbacks carry no content, only "there is news" and a sync
// token; this workflow pulls kf/sync_msg a page at a time, each page read and delivered to the
// customers' conversations by one activity (which also saves the cursor after delivering).
// Callbacks that arrive while a sync runs coalesce into one more sync; only one sync per account
// runs at a time, as WeCom requires. A new run (after continue-as-new, a reset or a termination)
// resumes from the cursor saved after the last delivered page, and it continues as new between
// pages however long a backlog is. A msgid WeCom delivers twice is dropped by the conversation.
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
import { currentTrace, inTrace, type Trace } from './traces';

export interface KfInboxInput {
  openKfId: string;
  /** Where to read on; absent: where the last delivered page ended (saved in MongoDB). */
  cursor?: string;
  /** Kept for runs of the first version that move over (their recently delivered msgids). */
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

const { loadInboxCursor } = proxyActivities<InboxActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});
// A page of hundreds of customers may take minutes; a stuck one is noticed within the heartbeat
// timeout, and the retry resumes after the last customer delivered.
const { syncAndDeliver } = proxyActivities<InboxActivities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

export async function kfInbox(input: KfInboxInput): Promise<void> {
  const { openKfId } = input;
  let token = input.token;
  let pending = input.pending ?? false;
  /** The trace of the first callback the next sync answers: the customer's message it reads goes on in it. */
  let asked: Trace | undefined;

  setHandler(kfCallbackSignal, (callback) => {
    if (callback.token) token = callback.token;
    pending = true;
    asked ??= currentTrace();
  });

  let cursor = input.cursor ?? (await loadInboxCursor({ openKfId })).cursor;
  const pagesPerRun = input.pagesPerRun ?? 200;
  let pages = 0;
  /** Reads and delivers pages until WeCom has no more, or until this run has read its share. */
  const sync = async () => {
    for (let hasMore = true; hasMore;) {
      const page = await syncAndDeliver({ openKfId, cursor, token });
      if (page.tokenRejected) token = undefined; // expired: go on without it until the next callback
      cursor = page.nextCursor ?? cursor;
      hasMore = page.hasMore;
      pages += 1;
      if (hasMore && (pages >= pagesPerRun || workflowInfo().continueAsNewSuggested)) {
        pending = true; // the rest of the backlog is the next run's
        return;
      }
    }
  };
  while (pages < pagesPerRun && !workflowInfo().continueAsNewSuggested) {
    await condition(() => pending);
    pending = false;
    const trace = asked;
    asked = undefined;
    await inTrace(trace, sync);
  }
  await condition(allHandlersFinished);
  await continueAsNew<typeof kfInbox>({ openKfId, cursor, token, pending, pagesPerRun: input.pagesPerRun });
}

// The kf inbox's side effects: reading kf/sync_msg a page at a time and handing each customer's
// messages to their conversation, in one activity per page: delivery heartbeats after every
// customer and resumes from its heartbeat when retried, and the account's cursor is saved only
// after the page it ends has been delivered: a restarted inbox re-reads at most one page, never
// three days (WECOM.md: losing the cursor replays them).
import { Context } from '@temporalio/activity';
import { KfAccountModel } from '../db/models/kfAccount';
import { MessageModel } from '../db/models/message';
import type { InboundMessage } from '../workflows/conversationContract';
import { errcodeOf, type KfApi } from './kfApi';
import { normalizeKfMessage, type CustomerInbound } from './kfMessage';
import { customerSessions, type SessionDeps } from './customerSessions';

export interface InboxDeps extends SessionDeps {
  kf: KfApi;
  /**
   * A customer's text was just read: the understanding may start on it (its embedding) while the
   * conversation is signalled and schedules the turn (bot/understander.ts, anticipate).
   */
  anticipate?(text: string): void;
}

export interface SyncedPage {
  /** Messages delivered from this page, and the customers they came from. */
  delivered: number;
  customers: number;
  nextCursor?: string;
  hasMore: boolean;
  /** The callback token was refused (95007): the page was read without it. */
  tokenRejected: boolean;
  /** WeCom refused the cursor (40058): the page was read from the start of the last three days. */
  cursorReset: boolean;
}

const SYNC_TOKEN_INVALID = 95007;
const INVALID_PARAMETER = 40058;
/** Page size: with messages cut to a few kB, a page stays far below MongoDB's 16 MB document. */
const PAGE_LIMIT = 1000;

export function createInboxActivities(deps: InboxDeps) {
  const { kf } = deps;
  const sessions = customerSessions(deps);

  async function readPage(req: { openKfId: string; cursor?: string; token?: string }, limit = PAGE_LIMIT) {
    let tokenRejected = false;
    let cursorReset = false;
    let { cursor, token } = req;
    for (;;) {
      try {
        const page = await kf.syncMsg({
          open_kfid: req.openKfId,
          cursor,
          token: token || undefined,
          limit,
        });
        return { page, tokenRejected, cursorReset };
      } catch (error) {
        const errcode = errcodeOf(error);
        if (errcode === SYNC_TOKEN_INVALID && token) {
          tokenRejected = true;
          token = undefined;
        } else if (errcode === INVALID_PARAMETER && cursor) {
          // WeCom no longer knows our cursor: read the last three days again; what was delivered
          // already is skipped by send time and msgid.
          cursorReset = true;
          cursor = undefined;
        } else {
          throw error;
        }
      }
    }
  }

  async function noteSyncFailure(openKfId: string, error: unknown) {
    await KfAccountModel.updateOne(
      { openKfId },
      {
        $set: { lastSyncAt: new Date(), lastSyncError: (error as Error).message.slice(0, 500) },
        $min: { syncFailingSince: new Date() },
      },
      { upsert: true },
    ).catch(() => undefined);
  }

  /** The cursor-reset page minus what was delivered before (by send time, then by stored msgid). */
  async function undelivered(openKfId: string, messages: CustomerInbound[]): Promise<CustomerInbound[]> {
    const account = await KfAccountModel.findOne({ openKfId }).lean();
    const upTo = account?.deliveredUpTo ?? 0;
    const recent = messages.filter((m) => m.message.sendTime >= upTo);
    // A bounded look-up on a rare path (WeCom refused the cursor), never the hot one.
    const stored = await MessageModel.find({ msgid: { $in: recent.map((m) => m.message.msgid) } }, { msgid: 1 }).lean();
    const known = new Set(stored.map((m) => m.msgid));
    await KfAccountModel.updateOne({ openKfId }, { $inc: { cursorResets: 1 } });
    const left = recent.filter((m) => !known.has(m.message.msgid));
    Context.current().log.warn('WeCom refused the sync cursor; re-read the last three days', {
      openKfId,
      undelivered: left.length,
    });
    return left;
  }

  return {
    /** Where a (re)started inbox resumes: the cursor saved after the last delivered page. */
    async loadInboxCursor(req: { openKfId: string }): Promise<{ cursor?: string }> {
      const account = await KfAccountModel.findOne({ openKfId: req.openKfId }).lean();
      return { cursor: account?.cursor ?? undefined };
    },

    /**
     * One sync_msg page read and delivered, customer by customer with a heartbeat after each, then
     * the cursor saved. The page never becomes a Temporal payload; a retry reads the same page again
     * (same cursor, same size) and resumes after the customers its heartbeat says were delivered.
     */
    async syncAndDeliver(req: { openKfId: string; cursor?: string; token?: string }): Promise<SyncedPage> {
      const resume = Context.current().info.heartbeatDetails as { customers: number; pageSize: number } | undefined;
      let read;
      try {
        read = await readPage(req, resume?.pageSize);
      } catch (error) {
        await noteSyncFailure(req.openKfId, error);
        throw error;
      }
      const { page, tokenRejected, cursorReset } = read;
      const pageSize = page.msg_list.length;
      let messages = page.msg_list.map(normalizeKfMessage).filter((m): m is CustomerInbound => m !== undefined);
      if (cursorReset) messages = await undelivered(req.openKfId, messages);

      const byCustomer = new Map<string, InboundMessage[]>();
      for (const { externalUserId, message } of messages) {
        byCustomer.set(externalUserId, [...(byCustomer.get(externalUserId) ?? []), message]);
      }
      const customers = [...byCustomer.keys()];
      // A customer's one text in this page is most likely their next turn as it stands.
      for (const said of byCustomer.values()) {
        const [only] = said;
        if (said.length === 1 && only!.origin === 'customer' && only!.kind === 'text' && only!.text)
          deps.anticipate?.(only!.text);
      }
      for (let i = resume?.customers ?? 0; i < customers.length; i++) {
        await sessions.deliverToCustomer(req.openKfId, customers[i]!, byCustomer.get(customers[i]!)!);
        Context.current().heartbeat({ customers: i + 1, pageSize });
      }
      const newest = messages.reduce((max, m) => Math.max(max, m.message.sendTime), 0);
      await KfAccountModel.updateOne(
        { openKfId: req.openKfId },
        {
          $set: {
            lastSyncAt: new Date(),
            lastSyncOkAt: new Date(),
            ...(page.next_cursor ? { cursor: page.next_cursor } : {}),
          },
          $unset: { lastSyncError: 1, syncFailingSince: 1 },
          $inc: { syncs: 1 },
          ...(newest > 0 ? { $max: { deliveredUpTo: newest } } : {}),
        },
        { upsert: true },
      );
      return {
        delivered: messages.length,
        customers: customers.length,
        nextCursor: page.next_cursor || undefined,
        hasMore: page.has_more === 1,
        tokenRejected,
        cursorReset,
      };
    },

    // ---- kept for inbox runs of the first version (workflows/legacy/kfInboxWorkflow.ts)
    async syncKfMessages(req: { openKfId: string; cursor?: string; token?: string }) {
      const { page, tokenRejected } = await readPage(req);
      Context.current().heartbeat();
      const messages = page.msg_list.map(normalizeKfMessage).filter((m): m is CustomerInbound => m !== undefined);
      return { messages, nextCursor: page.next_cursor || undefined, hasMore: page.has_more === 1, tokenRejected };
    },
    async deliverToConversations(req: { openKfId: string; messages: CustomerInbound[] }): Promise<void> {
      const byCustomer = new Map<string, InboundMessage[]>();
      for (const { externalUserId, message } of req.messages) {
        byCustomer.set(externalUserId, [...(byCustomer.get(externalUserId) ?? []), message]);
      }
      for (const [externalUserId, messages] of byCustomer) {
        await sessions.deliverToCustomer(req.openKfId, externalUserId, messages);
        Context.current().heartbeat();
      }
    },

    forwardToNextSession: sessions.forwardToNextSession,
  };
}

export type InboxActivities = ReturnType<typeof createInboxActivities>;

// The kf inbox's side effects: pulling kf/sync_msg and handing messages to conversation workflows
// (signal-with-start), storing the inbound transcript and the cursor on the way.
import { Context } from '@temporalio/activity';
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { ConversationSettings } from '../domain/conversationSettings';
import { ConversationModel } from '../db/models/conversation';
import { CustomerModel } from '../db/models/customer';
import { KfAccountModel } from '../db/models/kfAccount';
import { defaultPolicyConfig } from '../domain/policy';
import { MessageModel } from '../db/models/message';
import type { ConversationInput } from '../workflows/conversation';
import {
  conversationWorkflowId,
  inboundSignal,
  type HumanMode,
  type InboundMessage,
} from '../workflows/conversationContract';
import { CsOpenKfId, CsState } from '../workflows/searchAttributes';
import { errcodeOf, type KfApi } from './kfApi';
import { normalizeKfMessage, type CustomerInbound } from './kfMessage';

export interface InboxDeps {
  kf: KfApi;
  temporal: Client;
  taskQueue: string;
  humanMode: HumanMode;
  settings: ConversationSettings;
}

export interface SyncPage {
  messages: CustomerInbound[];
  nextCursor?: string;
  hasMore: boolean;
  /** The callback token was refused (95007): the page was read without it. */
  tokenRejected: boolean;
}

const SYNC_TOKEN_INVALID = 95007;
const isSurveyClick = (message: InboundMessage) => message.menuId?.startsWith('csat_') ?? false;
const startsConversation = (message: InboundMessage) =>
  message.origin === 'customer' || message.event?.type === 'enter_session';

export function createInboxActivities(deps: InboxDeps) {
  const { kf, temporal } = deps;

  async function syncKfMessages(req: { openKfId: string; cursor?: string; token?: string }): Promise<SyncPage> {
    let tokenRejected = false;
    let page: Awaited<ReturnType<KfApi['syncMsg']>>;
    try {
      page = await kf.syncMsg({
        open_kfid: req.openKfId,
        cursor: req.cursor,
        token: req.token || undefined,
        limit: 1000,
      });
    } catch (error) {
      if (errcodeOf(error) !== SYNC_TOKEN_INVALID || !req.token) throw error;
      tokenRejected = true;
      page = await kf.syncMsg({ open_kfid: req.openKfId, cursor: req.cursor, limit: 1000 });
    }
    Context.current().heartbeat();
    // Mirrored for visibility only: the workflow's own state is the cursor of record.
    await KfAccountModel.updateOne(
      { openKfId: req.openKfId },
      { $set: { cursor: page.next_cursor ?? req.cursor, lastSyncAt: new Date() }, $inc: { syncs: 1 } },
      { upsert: true },
    );
    const messages = page.msg_list.map(normalizeKfMessage).filter((m): m is CustomerInbound => m !== undefined);
    return { messages, nextCursor: page.next_cursor || undefined, hasMore: page.has_more === 1, tokenRejected };
  }

  /** The customer's current session number, bumped when that session has closed. */
  async function nextSession(openKfId: string, externalUserId: string, closed: number): Promise<number> {
    const bumped = await CustomerModel.findOneAndUpdate(
      { openKfId, externalUserId, session: closed },
      { $inc: { session: 1 } },
      { returnDocument: 'after' },
    ).lean();
    if (bumped) return bumped.session;
    const current = await CustomerModel.findOne({ openKfId, externalUserId }).lean();
    return Math.max(current?.session ?? closed + 1, closed + 1);
  }

  async function signalOnly(workflowId: string, messages: InboundMessage[]): Promise<boolean> {
    try {
      await temporal.workflow.getHandle(workflowId).signal(inboundSignal, messages);
      return true;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  }

  async function startOrSignal(openKfId: string, externalUserId: string, session: number, messages: InboundMessage[]) {
    for (let attempt = 0; attempt < 5; attempt++) {
      const workflowId = conversationWorkflowId(openKfId, externalUserId, session);
      const input: ConversationInput = {
        openKfId,
        externalUserId,
        session,
        humanMode: deps.humanMode,
        settings: deps.settings,
        policy: defaultPolicyConfig,
      };
      try {
        await temporal.workflow.signalWithStart('conversationWorkflow', {
          workflowId,
          taskQueue: deps.taskQueue,
          args: [input],
          signal: inboundSignal,
          signalArgs: [messages],
          // A finished session keeps its id: the next one gets a new number instead.
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          typedSearchAttributes: [
            { key: CsState, value: 'bot' },
            { key: CsOpenKfId, value: openKfId },
          ],
        });
        return workflowId;
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        session = await nextSession(openKfId, externalUserId, session);
      }
    }
    throw new Error(`could not find a free session id for ${openKfId}/${externalUserId}`);
  }

  async function deliverToConversations(req: { openKfId: string; messages: CustomerInbound[] }): Promise<void> {
    const { openKfId } = req;
    const byCustomer = new Map<string, InboundMessage[]>();
    for (const { externalUserId, message } of req.messages) {
      byCustomer.set(externalUserId, [...(byCustomer.get(externalUserId) ?? []), message]);
    }
    for (const [externalUserId, messages] of byCustomer) {
      const customer = await CustomerModel.findOneAndUpdate(
        { openKfId, externalUserId },
        { $setOnInsert: { openKfId, externalUserId, session: 1, tier: 'normal', tags: [] } },
        { upsert: true, returnDocument: 'after' },
      ).lean();
      let session = customer!.session;
      const currentId = conversationWorkflowId(openKfId, externalUserId, session);
      const current = await ConversationModel.findOne({ conversationId: currentId }, { state: 1 }).lean();
      const closed = current?.state === 'closed';

      // Survey clicks belong to the session that asked; anything else after close opens a new one.
      const surveys = closed ? messages.filter(isSurveyClick) : [];
      const rest = closed ? messages.filter((m) => !isSurveyClick(m)) : messages;
      if (surveys.length > 0) await signalOnly(currentId, surveys);
      await storeInbound(openKfId, externalUserId, currentId, surveys);
      if (rest.length === 0) continue;

      if (closed) session = await nextSession(openKfId, externalUserId, session);
      let conversationId = conversationWorkflowId(openKfId, externalUserId, session);
      if (rest.some(startsConversation)) {
        conversationId = await startOrSignal(openKfId, externalUserId, session, rest);
      } else if (!(await signalOnly(conversationId, rest))) {
        // Events for a session that no longer runs (a late msg_send_fail, a servicer's status):
        // nothing to drive, but they stay in the transcript.
        Context.current().log.info('event for a finished conversation', { conversationId, count: rest.length });
      }
      await storeInbound(openKfId, externalUserId, conversationId, rest);
    }
  }

  return { syncKfMessages, deliverToConversations };
}

/** Idempotent: unique msgid, $setOnInsert. */
async function storeInbound(
  openKfId: string,
  externalUserId: string,
  conversationId: string,
  messages: InboundMessage[],
) {
  if (messages.length === 0) return;
  await MessageModel.bulkWrite(
    messages.map((m) => ({
      updateOne: {
        filter: { msgid: m.msgid },
        update: {
          $setOnInsert: {
            msgid: m.msgid,
            conversationId,
            openKfId,
            externalUserId,
            direction: 'in',
            from: m.origin === 'servicer' ? 'agent' : m.origin === 'event' ? 'system' : 'customer',
            msgtype: m.kind === 'event' ? `event:${m.event?.type ?? 'unknown'}` : m.kind,
            text: m.text,
            menuId: m.menuId,
            agentId: m.servicerUserId,
            sentAt: new Date(m.sendTime * 1000),
          },
        },
        upsert: true,
      },
    })),
    { ordered: false },
  );
}

export type InboxActivities = ReturnType<typeof createInboxActivities>;

// Which conversation a customer's message belongs to. A customer has one session at a time, numbered
// on their record; messages go to the current one (signal-with-start). A session whose workflow
// has finished refuses the start (its id is never reused), so the number is bumped and a new
// session starts. A session that has closed but still runs (waiting for the survey) receives the
// message and forwards it itself, so nothing said in that gap is lost or answered twice.
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { CustomerModel } from '../db/models/customer';
import { profileOf, type CustomerProfile } from './session';
import { MessageModel } from '../db/models/message';
import { insertOnce } from '../db/insertOnce';
import { DEFAULT_TIER, sceneTags, withinTagLimit } from '../domain/customerProfile';
import { parseMenuId } from '../domain/menus';
import { defaultPolicyConfig } from '../domain/policy';
import type { ConversationSettings } from '../domain/conversationSettings';
import type { ServiceLevels } from '../domain/serviceLevels';
import type { ConversationInput } from '../workflows/conversation/input';
import {
  CONVERSATION_WORKFLOW,
  conversationWorkflowId,
  inboundSignal,
  type HumanMode,
  type InboundMessage,
} from '../workflows/conversationContract';
import { CsOpenKfId, CsState } from '../workflows/searchAttributes';
import { stepSpan } from '../tracing/spans';
import { SessionDirectory } from './sessionDirectory';

export interface SessionDeps {
  temporal: Client;
  taskQueue: string;
  humanMode: HumanMode;
  settings: ConversationSettings;
  /** Service levels a new conversation starts with (it keeps them for its whole life). */
  serviceLevels?: ServiceLevels;
  /** Where this worker last routed each customer (one per worker by default). */
  directory?: SessionDirectory;
}

const startsConversation = (message: InboundMessage) =>
  message.origin === 'customer' || message.event?.type === 'enter_session';

export function customerSessions(deps: SessionDeps) {
  const { temporal } = deps;
  const directory = deps.directory ?? new SessionDirectory();

  /**
   * The customer (created on first contact): their current session and what a new one needs. Where
   * they came in (enter_session's scene and scene_param) joins their tags in the same write. First
   * contact is an insert, which stays flat as customers grow; only a returning customer is looked
   * up (a scan on FerretDB), once per conversation when the directory knows them.
   */
  async function currentCustomer(openKfId: string, externalUserId: string, entered: string[]) {
    const first = { openKfId, externalUserId, session: 1, tier: DEFAULT_TIER, tags: withinTagLimit(entered) };
    if ((await insertOnce(CustomerModel, [first])).length === 1) return { session: 1, profile: profileOf(first) };
    const customer = await CustomerModel.findOneAndUpdate(
      { openKfId, externalUserId },
      entered.length > 0
        ? {
            $setOnInsert: { openKfId, externalUserId, session: 1, tier: DEFAULT_TIER },
            $addToSet: { tags: { $each: entered } },
          }
        : { $setOnInsert: { openKfId, externalUserId, session: 1, tier: DEFAULT_TIER, tags: [] } },
      { upsert: true, returnDocument: 'after' },
    ).lean();
    const tags = customer!.tags ?? [];
    const kept = withinTagLimit(tags);
    if (kept.length < tags.length) {
      // Rare: a customer who keeps entering from new pages. The oldest entry points go.
      const dropped = tags.filter((t) => !kept.includes(t));
      await CustomerModel.updateOne({ _id: customer!._id }, { $pullAll: { tags: dropped } });
      customer!.tags = kept;
    }
    return { session: customer!.session, profile: profileOf(customer) };
  }

  /** The customer's session number after `closed`, bumped once however many callers ask. */
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

  /** Signal-with-start of the session, or of the next one when it has finished; the id used. */
  async function startOrSignal(
    openKfId: string,
    externalUserId: string,
    session: number,
    messages: InboundMessage[],
    customer?: CustomerProfile,
  ) {
    for (let attempt = 0; attempt < 5; attempt++) {
      const workflowId = conversationWorkflowId(openKfId, externalUserId, session);
      const input: ConversationInput = {
        openKfId,
        externalUserId,
        session,
        humanMode: deps.humanMode,
        settings: deps.settings,
        policy: defaultPolicyConfig,
        ...(deps.serviceLevels ? { serviceLevels: deps.serviceLevels } : {}),
        ...(customer ? { customer } : {}),
      };
      try {
        await temporal.workflow.signalWithStart(CONVERSATION_WORKFLOW, {
          workflowId,
          taskQueue: deps.taskQueue,
          args: [input],
          signal: inboundSignal,
          signalArgs: [messages],
          // A finished session keeps its id: the next one gets a new number instead.
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          // What the Temporal UI shows on the run: who and which kf account (the details follow the state).
          staticSummary: `客户 ${externalUserId} · 客服账号 ${openKfId} · 第 ${session} 次会话`,
          staticDetails: `微信客服会话 ${workflowId}：机器人先接待，需要时转人工；当前状态见 Current Details，查询正在排队的会话：ExecutionStatus="Running" AND CsState="queued"`,
          typedSearchAttributes: [
            { key: CsState, value: 'bot' },
            { key: CsOpenKfId, value: openKfId },
          ],
        });
        directory.set(openKfId, externalUserId, session);
        return workflowId;
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        session = await nextSession(openKfId, externalUserId, session);
      }
    }
    throw new Error(`could not find a free session id for ${openKfId}/${externalUserId}`);
  }

  /** Idempotent: unique msgid, appended once. */
  async function storeInbound(
    openKfId: string,
    externalUserId: string,
    conversationId: string,
    messages: InboundMessage[],
  ) {
    await insertOnce(
      MessageModel,
      messages.map((m) => ({
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
      })),
    );
  }

  /** The messages into the customer's conversation (a survey click into the session that asked); its id. */
  async function deliver(
    openKfId: string,
    externalUserId: string,
    messages: InboundMessage[],
  ): Promise<string | undefined> {
    const entered = messages.flatMap((m) =>
      m.event?.type === 'enter_session' ? sceneTags(m.event.scene, m.event.sceneParam) : [],
    );
    // A survey click belongs to the session that asked, running or not; it never starts one.
    const surveys = messages.filter((m) => parseMenuId(m.menuId)?.menu === 'survey');
    const known = entered.length === 0 ? directory.get(openKfId, externalUserId) : undefined;
    if (known !== undefined && surveys.length === 0) {
      // A customer this worker routed before: their session receives it unless it has finished.
      const conversationId = conversationWorkflowId(openKfId, externalUserId, known);
      if (await signalOnly(conversationId, messages)) {
        await storeInbound(openKfId, externalUserId, conversationId, messages);
        return conversationId;
      }
      directory.forget(openKfId, externalUserId);
    }
    const { session, profile } = await currentCustomer(openKfId, externalUserId, entered);
    for (const click of surveys) {
      const asked = parseMenuId(click.menuId);
      const target = conversationWorkflowId(
        openKfId,
        externalUserId,
        asked?.menu === 'survey' && asked.session !== undefined ? asked.session : session,
      );
      await signalOnly(target, [click]);
      await storeInbound(openKfId, externalUserId, target, [click]);
    }
    const rest = messages.filter((m) => !surveys.includes(m));
    if (rest.length === 0) return undefined;
    let conversationId = conversationWorkflowId(openKfId, externalUserId, session);
    if (rest.some(startsConversation)) {
      conversationId = await startOrSignal(openKfId, externalUserId, session, rest, profile);
    } else {
      // Events for a session that no longer runs (a late msg_send_fail) drive nothing, but
      // stay in the transcript.
      if (await signalOnly(conversationId, rest)) directory.set(openKfId, externalUserId, session);
    }
    await storeInbound(openKfId, externalUserId, conversationId, rest);
    return conversationId;
  }

  return {
    nextSession,
    startOrSignal,

    /**
     * One customer's messages from a sync_msg page into their conversation, and the transcript. A
     * span of its own: where the on-call engineer finds a customer's message (tag cs.external_user_id).
     */
    deliverToCustomer(openKfId: string, externalUserId: string, messages: InboundMessage[]): Promise<void> {
      const attributes = {
        'cs.open_kfid': openKfId,
        'cs.external_user_id': externalUserId,
        'cs.msgids': messages.map((m) => m.msgid),
      };
      return stepSpan('deliver to conversation', attributes, async (span) => {
        const conversationId = await deliver(openKfId, externalUserId, messages);
        if (conversationId) span.setAttribute('cs.conversation_id', conversationId);
      });
    },

    /** From a closed session that still runs: what the customer said after it closed opens the next. */
    async forwardToNextSession(req: {
      openKfId: string;
      externalUserId: string;
      closedSession: number;
      messages: InboundMessage[];
    }): Promise<string> {
      const next = await nextSession(req.openKfId, req.externalUserId, req.closedSession);
      const forwarded = req.messages.map((m) => ({ ...m, forwarded: true }));
      const conversationId = await startOrSignal(req.openKfId, req.externalUserId, next, forwarded);
      // The transcript moves with them: the next session is where they were answered.
      await MessageModel.updateMany({ msgid: { $in: req.messages.map((m) => m.msgid) } }, { $set: { conversationId } });
      return conversationId;
    },
  };
}

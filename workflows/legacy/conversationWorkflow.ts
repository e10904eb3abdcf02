// The first version of the conversation workflow, frozen: conversations started on it keep
// replaying here (test/fixtures/histories), and at their next wait they move over to the current
// workflow (workflows/conversation/, type `conversation`) with everything they carry, by
// continue-as-new behind the patch MOVE_TO_CURRENT_PATCH. Only that move is new code in this file.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  makeContinueAsNewFunc,
  patched,
  proxyActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ConversationSettings } from '../../domain/conversationSettings';
import { outboundMsgid } from '../../domain/msgid';
import { decide, defaultPolicyConfig, initialMemory, type PolicyConfig, type PolicyMemory } from '../../domain/policy';
import { canReply } from '../../domain/replyWindow';
import { utf8Length, WECOM_TEXT_MAX_BYTES } from '../../domain/wecomText';
import type { Understanding } from '../../domain/understanding';
import type { ConversationActivities } from '../../activities/conversation';
import type { RoutingActivities } from '../../activities/routing';
import type { AlertActivities } from '../../activities/alerts';
import type { TicketActivities } from '../../activities/tickets';
import {
  agentReplyUpdate,
  createTicketUpdate,
  inboundSignal,
  resolveUpdate,
  returnToBotUpdate,
  snapshotQuery,
  takeOverUpdate,
  ticketUpdatedSignal,
  transferUpdate,
  type ConversationSnapshot,
  type CsState,
  type HandoffCard,
  type HumanMode,
  type InboundMessage,
  type TicketUpdate,
  type TranscriptEntry,
  CONVERSATION_WORKFLOW,
} from '../conversationContract';
import {
  CsAgent,
  CsCustomerTier,
  CsHandoffReason,
  CsOpenKfId,
  CsPriority,
  CsSkill,
  CsState as CsStateKey,
} from '../searchAttributes';
import { replies } from '../../domain/replies';
import type { conversation } from '../conversation';
import type { LegacyHandOver } from '../conversation/legacy';

export interface ConversationInput {
  openKfId: string;
  externalUserId: string;
  session: number;
  humanMode: HumanMode;
  settings: ConversationSettings;
  /**
   * The dialogue policy's thresholds and texts as they were when the conversation started: kept in
   * the history, so tuning policy.json changes new conversations and never replays of running ones.
   * Absent in conversations started before it was passed: they use the bundled policy.
   */
  policy?: PolicyConfig;
  /** Present when this run continues an earlier one (continue-as-new). */
  carried?: CarriedState;
}

interface Agent {
  agentId: string;
  name: string;
  wecomUserId?: string;
}

/** Everything a run hands to the next one on continue-as-new. */
interface CarriedState {
  state: CsState;
  memory: PolicyMemory;
  transcript: TranscriptEntry[];
  inbox: InboundMessage[];
  seenMsgids: string[];
  outboundSeq: number;
  eventSeq: number;
  revision: number;
  customer: { tier: string; tags: string[]; nickname?: string; lastAgentId?: string };
  agent?: Agent;
  handoff?: HandoffCard;
  skill?: string;
  ticketNo?: string;
  ticketDueAt?: number;
  lastCustomerAt?: number;
  repliesSinceCustomer: number;
  excludedAgents: string[];
  reassignments: number;
  startedAt: number;
  queuedAt?: number;
  assignedAt?: number;
  agentRepliedAt?: number;
  lastActivityAt: number;
  /** wecom mode: the session waits in WeCom's pool (state 2). */
  inWecomPool?: boolean;
}

const act = proxyActivities<ConversationActivities>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});
// Understanding gets a few quick tries: if the engine is down the customer gets a human instead.
const brain = proxyActivities<Pick<ConversationActivities, 'understand' | 'buildHandoffCard'>>({
  startToCloseTimeout: '15 seconds',
  retry: { maximumAttempts: 3, initialInterval: '500 milliseconds' },
});
const routing = proxyActivities<RoutingActivities>({ startToCloseTimeout: '10 seconds' });
const alerts = proxyActivities<AlertActivities>({ startToCloseTimeout: '15 seconds' });
const tickets = proxyActivities<TicketActivities>({ startToCloseTimeout: '10 seconds' });

const SERVICER_DIRECTORY_PATCH = 'wecom-servicer-directory';
const MOVE_TO_CURRENT_PATCH = 'move-to-conversation-workflow';
/** Made when needed: it may only be called inside a workflow. */
const continueAsCurrent = (input: Parameters<typeof conversation>[0]) =>
  makeContinueAsNewFunc<typeof conversation>({ workflowType: CONVERSATION_WORKFLOW })(input);
const SURVEY_THROUGH_END_CODE_PATCH = 'survey-through-end-code';
/** How long a queued conversation trusts the list of serving servicers (wecom mode). */
const SERVICER_DIRECTORY_TTL_MS = 60_000;
const CONFIRM_MENU = { yes: 'confirm_yes', no: 'confirm_no', human: 'confirm_human' } as const;
const CSAT_MENU = { satisfied: 'csat_satisfied', neutral: 'csat_neutral', dissatisfied: 'csat_dissatisfied' } as const;

export async function conversationWorkflow(input: ConversationInput): Promise<ConversationSnapshot> {
  const { openKfId, externalUserId, humanMode, settings } = input;
  const conversationId = workflowInfo().workflowId;
  const policy = input.policy ?? defaultPolicyConfig;
  // The workflow sandbox's Date.now() is the deterministic workflow clock.
  const now = () => Date.now(); // eslint-disable-line no-restricted-syntax

  const s: CarriedState = input.carried ?? {
    state: 'bot',
    memory: initialMemory(),
    transcript: [],
    inbox: [],
    seenMsgids: [],
    outboundSeq: 0,
    eventSeq: 0,
    revision: 0,
    customer: { tier: 'normal', tags: [] },
    repliesSinceCustomer: 0,
    excludedAgents: [],
    reassignments: 0,
    startedAt: now(),
    lastActivityAt: now(),
  };
  const timersDue: Record<string, number> = {};
  let closedReason: string | undefined;
  let csat: string | undefined;
  let endMsgCode: string | undefined;
  let pendingTicketUpdates: TicketUpdate[] = [];
  let wantedAgent: string | undefined;

  registerHandlers(); // signals, the console query and agent actions: see the end of this function

  // ---------------------------------------------------------------- the lifecycle
  if (!input.carried) {
    s.customer = await act.loadCustomer({ openKfId, externalUserId });
    await upsertMemo({ nickname: s.customer.nickname ?? '' });
    await act.ensureBotServiceState({ openKfId, externalUserId });
    await setState('bot');
  }

  while (s.state !== 'closed') {
    if (closedReason) {
      await close(closedReason);
      break;
    }
    await moveToCurrent();
    switch (s.state) {
      case 'bot':
      case 'confirming':
        await botTurn();
        break;
      case 'queued':
        await waitForAgent();
        break;
      case 'human':
        await humanTurn();
        break;
      case 'ticket':
        await ticketTurn();
        break;
    }
    if (!closedReason && !isClosed() && historyIsLong()) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof conversationWorkflow>({ ...input, carried: s });
    }
  }
  await waitForSurvey();
  await condition(allHandlersFinished);
  return snapshot();

  // ================================================================ phases

  /** bot / confirming: one customer turn through understanding and the dialogue policy. */
  async function botTurn(): Promise<void> {
    const confirming = s.state === 'confirming';
    const waitMs = confirming ? settings.confirmationTimeoutMs : settings.botIdleCloseMs;
    const timer = confirming ? 'confirmation' : 'botIdle';
    timersDue[timer] = now() + waitMs;
    const arrived = await condition(() => hasCustomerInput() || closedReason !== undefined || !isBotState(), waitMs);
    delete timersDue[timer];
    if (!isBotState() || closedReason) return;
    if (!arrived) {
      closedReason = confirming ? 'resolved_silently' : 'idle';
      if (confirming) await event('bot_resolved', { silently: true, kbEntryId: s.memory.lastAnsweredEntryId });
      return;
    }
    const turn = await takeTurn();
    if (!turn || !isBotState()) return;

    let understanding: Understanding;
    try {
      understanding = await brain.understand({ text: turn.text, recentCustomerTurns: s.memory.recentCustomerTurns });
    } catch (error) {
      log.warn('understanding failed; handing off', { error: String(error) });
      await handoff('bot_unavailable', 2);
      return;
    }
    if (!isBotState()) return; // an agent took over while we were thinking
    if (turn.menuId === CONFIRM_MENU.yes) understanding = { ...understanding, confirmation: 'yes' };
    if (turn.menuId === CONFIRM_MENU.no) understanding = { ...understanding, confirmation: 'no' };
    if (turn.menuId === CONFIRM_MENU.human) understanding = { ...understanding, humanRequest: true };

    const { decision, memory } = decide({
      config: policy,
      state: s.state === 'confirming' ? 'confirming' : 'bot',
      understanding,
      memory: s.memory,
      customerTier: s.customer.tier,
    });
    s.memory = memory;

    switch (decision.kind) {
      case 'answer':
        // The skill of what the customer asks about routes a later handoff.
        s.skill = understanding.candidates.find((c) => c.entryId === decision.entryId)?.skill ?? s.skill;
        await send('bot', decision.answer, { kbEntryId: decision.entryId });
        await event('bot_answer', { kbEntryId: decision.entryId, confidence: understanding.confidence });
        if (decision.askConfirmation) {
          await sendMenu(replies.confirmHead, [
            { id: CONFIRM_MENU.yes, content: replies.confirmYes },
            { id: CONFIRM_MENU.no, content: replies.confirmNo },
            { id: CONFIRM_MENU.human, content: replies.confirmHuman },
          ]);
          await setState('confirming');
        } else {
          await setState('bot');
        }
        return;
      case 'clarify':
      case 'smalltalk':
        await send('bot', decision.reply);
        await setState('bot');
        return;
      case 'resolved':
        await send('bot', decision.reply ?? replies.glad);
        await event('bot_resolved', { silently: false, kbEntryId: s.memory.lastAnsweredEntryId });
        closedReason = 'resolved_by_bot';
        return;
      case 'handoff':
        await handoff(decision.reason, decision.priority, understanding);
        return;
    }
  }

  /** Leave the bot: the handoff card for the agent, the customer told, the conversation queued. */
  async function handoff(reason: string, priority: number, understanding?: Understanding): Promise<void> {
    await writeHandoffCard(reason, priority, understanding);
    await send('system', reason === 'high_risk' ? replies.handoffUrgent : replies.handoff);
    s.queuedAt = now();
    s.excludedAgents = [];
    await setState('queued');
  }

  /** The card the agent sees: summary, reason, intent, sentiment, customer, the whole transcript. */
  async function writeHandoffCard(reason: string, priority: number, understanding?: Understanding): Promise<void> {
    const said = s.transcript
      .filter((t) => t.from === 'customer')
      .slice(-3)
      .map((t) => t.text)
      .join(' / ');
    // The activity brings a summary only when a model wrote one now; this version keeps its own.
    const { summary = said } = await brain
      .buildHandoffCard({ reason, transcript: s.transcript, understanding, customer: s.customer })
      .catch(() => ({ summary: said }));
    s.handoff = {
      reason,
      priority,
      summary,
      // What the bot answered last, else its best guess when it was a fair one (not a stray match).
      intent:
        s.memory.lastAnsweredEntryId ??
        (understanding && understanding.confidence >= policy.answerConfidenceWithQuestion
          ? understanding.entryId
          : undefined),
      skill: s.skill,
      sentiment: understanding?.sentiment?.negative ? 'negative' : 'neutral',
      customerTier: s.customer.tier,
      customerTags: s.customer.tags,
      nickname: s.customer.nickname,
      transcript: [...s.transcript],
      at: now(),
    };
    await event('handoff', { reason, priority, skill: s.skill, summary, intent: s.handoff.intent });
  }

  /**
   * queued: ask routing until an agent is free; the queue-wait SLA alerts and widens the search.
   * In wecom mode only the account's serving servicers can be routed to, and when none of them is
   * free the session waits in WeCom's own pool, where any servicer may take it.
   */
  async function waitForAgent(): Promise<void> {
    const slaDue = (s.queuedAt ?? now()) + settings.queueWaitSlaMs;
    let breached = now() >= slaDue;
    let servicers: { userIds?: string[]; at: number } | undefined;
    let triedPool = false;
    // Conversations started before the servicer directory existed keep routing as they did.
    const directory = humanMode === 'wecom' && patched(SERVICER_DIRECTORY_PATCH);
    while (s.state === 'queued' && !closedReason) {
      await moveToCurrent();
      if (directory && (!servicers || now() - servicers.at >= SERVICER_DIRECTORY_TTL_MS)) {
        servicers = { userIds: await act.listServingServicers({ openKfId }), at: now() };
      }
      const agent = await routing.assignAgent({
        conversationId,
        skill: s.skill,
        customerTier: s.customer.tier,
        priority: s.handoff?.priority ?? 1,
        previousAgentId: s.customer.lastAgentId,
        excludeAgentIds: s.excludedAgents,
        widen: breached,
        preferredAgentId: wantedAgent,
        servicerUserIds: servicers?.userIds,
      });
      if (agent) {
        wantedAgent = undefined;
        if (await assign(agent)) return;
        continue; // WeCom refused that servicer: they are excluded, route again
      }
      if (directory && !s.inWecomPool && !triedPool) {
        triedPool = true;
        await enterWecomPool();
      }
      const wait = breached ? settings.routingRetryMs : Math.min(settings.routingRetryMs, slaDue - now());
      timersDue.queueWaitSla = slaDue;
      await condition(
        () => s.state !== 'queued' || closedReason !== undefined || wantedAgent !== undefined,
        Math.max(wait, 1),
      );
      await absorbInbox();
      if (!breached && now() >= slaDue) {
        breached = true;
        delete timersDue.queueWaitSla;
        await slaBreach('queue_wait', `等待人工超过 ${Math.round(settings.queueWaitSlaMs / 1000)} 秒`);
        await send('system', replies.stillQueued);
      }
    }
  }

  /**
   * Gives the conversation to the agent; false when WeCom refuses that servicer. `taken` means a
   * servicer already took the session in the WeCom client, so there is nothing to move.
   */
  async function assign(agent: Agent, taken?: { msgCode?: string }): Promise<boolean> {
    if (humanMode === 'wecom') {
      let msgCode = taken?.msgCode;
      if (!taken) {
        const moved = agent.wecomUserId
          ? await act.setServiceState({ openKfId, externalUserId, state: 3, servicerUserId: agent.wecomUserId })
          : { ok: false, errcode: undefined, msgCode: undefined };
        if (!moved.ok) {
          await event('assign_failed', { agentId: agent.agentId, errcode: moved.errcode });
          await routing.releaseAgent({ conversationId, agentId: agent.agentId });
          s.excludedAgents.push(agent.agentId);
          return false;
        }
        msgCode = moved.msgCode;
      }
      // Reaching a servicer hands out a msg_code for one notice (48 h).
      if (msgCode) await sendOnEvent(msgCode, replies.assigned(agent.name));
    } else {
      await send('system', replies.assigned(agent.name));
    }
    s.inWecomPool = false;
    s.agent = agent;
    s.customer.lastAgentId = agent.agentId;
    s.assignedAt = now();
    s.agentRepliedAt = undefined;
    s.lastActivityAt = now();
    await event('assigned', {
      agentId: agent.agentId,
      waitSeconds: Math.round((now() - (s.queuedAt ?? now())) / 1000),
    });
    await setState('human');
    return true;
  }

  /** wecom mode: no routed servicer is free, so the session waits in WeCom's pool (state 2). */
  async function enterWecomPool(): Promise<void> {
    const moved = await act.setServiceState({ openKfId, externalUserId, state: 2 });
    if (!moved.ok) {
      await event('pool_refused', { errcode: moved.errcode });
      return;
    }
    s.inWecomPool = true;
    await event('entered_wecom_pool', {});
    if (moved.msgCode) await sendOnEvent(moved.msgCode, replies.inWecomPool(settings.queueWaitSlaMs));
  }

  /** wecom mode: a servicer took the session in the WeCom client (from the pool, or by writing). */
  async function takenInWecom(servicerUserId: string, msgCode?: string): Promise<void> {
    if (s.state === 'human' || isClosed() || closedReason) return;
    if (!s.handoff) await writeHandoffCard('agent_requested', 2);
    s.queuedAt ??= now();
    await assign(await routing.claimForServicer({ conversationId, wecomUserId: servicerUserId }), { msgCode });
  }

  /** human: customer and agent talk; first-response SLA, idle nudge and close. */
  async function humanTurn(): Promise<void> {
    let nudged = false;
    while (s.state === 'human' && !closedReason) {
      await moveToCurrent();
      const due: Record<string, number> = {};
      if (s.agentRepliedAt === undefined) due.firstResponseSla = (s.assignedAt ?? now()) + settings.firstResponseSlaMs;
      due[nudged ? 'humanIdleClose' : 'humanIdleNudge'] =
        s.lastActivityAt + (nudged ? settings.humanIdleCloseMs : settings.humanIdleNudgeMs);
      Object.assign(timersDue, due);
      const next = Math.min(...Object.values(due));
      const inboxSize = s.inbox.length;
      await condition(
        () =>
          s.inbox.length > inboxSize ||
          s.state !== 'human' ||
          closedReason !== undefined ||
          (s.agentRepliedAt !== undefined && 'firstResponseSla' in due),
        Math.max(next - now(), 1),
      );
      for (const key of ['firstResponseSla', 'humanIdleNudge', 'humanIdleClose']) delete timersDue[key];
      if (s.state !== 'human' || closedReason) return;

      if (s.inbox.length > 0) {
        const activity = await absorbInbox();
        if (activity) nudged = false;
        continue;
      }
      if (s.agentRepliedAt === undefined && now() >= (due.firstResponseSla ?? Infinity)) {
        await slaBreach(
          'first_response',
          `客服 ${s.agent?.name ?? ''} 未在 ${Math.round(settings.firstResponseSlaMs / 1000)} 秒内回复`,
        );
        if (s.reassignments < settings.maxReassignments && s.agent) {
          s.reassignments += 1;
          s.excludedAgents = [s.agent.agentId];
          await releaseAgent();
          await setState('queued');
          return;
        }
        continue;
      }
      if (!nudged && now() >= (due.humanIdleNudge ?? Infinity)) {
        nudged = true;
        s.lastActivityAt = now();
        if (humanMode === 'console') await send('system', replies.stillThere);
        continue;
      }
      if (nudged && now() >= (due.humanIdleClose ?? Infinity)) {
        closedReason = 'idle';
        return;
      }
    }
  }

  /** ticket: wait for the ticket to close; tell the customer about status changes. */
  async function ticketTurn(): Promise<void> {
    const due = s.ticketDueAt ?? now() + settings.ticketDueHours.normal * 3600_000;
    timersDue.ticketSla = due;
    await condition(
      () => pendingTicketUpdates.length > 0 || hasCustomerInput() || s.state !== 'ticket' || closedReason !== undefined,
      Math.max(due - now(), 1),
    );
    delete timersDue.ticketSla;
    if (s.state !== 'ticket' || closedReason) return;
    if (hasCustomerInput()) {
      await absorbInbox();
      await send('system', replies.ticketPending(s.ticketNo ?? ''));
      return;
    }
    const updates = pendingTicketUpdates;
    pendingTicketUpdates = [];
    for (const update of updates) {
      await event('ticket_status', { ticketNo: update.ticketNo, status: update.status });
      await send('system', replies.ticketStatus(update.ticketNo, update.status, update.note));
      if (update.status === 'resolved' || update.status === 'closed') closedReason = 'ticket_closed';
    }
    if (updates.length === 0 && now() >= due) {
      await slaBreach('ticket_due', `工单 ${s.ticketNo} 已超过处理时限`);
      s.ticketDueAt = now() + settings.ticketDueHours.normal * 3600_000;
    }
  }

  /** closed: survey, WeCom session ended, analytics. */
  async function close(reason: string): Promise<void> {
    await releaseAgent();
    closedReason = reason;
    const survey = [
      { id: CSAT_MENU.satisfied, content: replies.csatSatisfied },
      { id: CSAT_MENU.neutral, content: replies.csatNeutral },
      { id: CSAT_MENU.dissatisfied, content: replies.csatDissatisfied },
    ];
    const askSurvey = reason !== 'idle';
    // The mirror says closed before the survey goes out, so the inbox routes the click here and
    // anything else the customer writes to a new session.
    await setState('closed');
    if (humanMode === 'wecom') {
      // The session is with a servicer (state 3), where the API may not send: ending it hands out
      // a 20-second msg_code that carries the survey. If the servicer ended it, we have that code.
      if (!endMsgCode) {
        const ended = await act.setServiceState({ openKfId, externalUserId, state: 4 });
        if (!ended.ok) await event('end_session_failed', { errcode: ended.errcode });
        endMsgCode = ended.msgCode;
      }
      if (askSurvey && endMsgCode) await sendOnEvent(endMsgCode, undefined, { head: replies.csatHead, items: survey });
    } else {
      const surveyed = askSurvey && (await sendMenu(replies.csatHead, survey));
      const ended = await act.setServiceState({ openKfId, externalUserId, state: 4 });
      if (!ended.ok) await event('end_session_failed', { errcode: ended.errcode });
      // Out of replies for now (5 per customer message, 48 h): ending the session hands out a
      // 20-second msg_code, which carries the survey instead.
      if (askSurvey && !surveyed && ended.msgCode && patched(SURVEY_THROUGH_END_CODE_PATCH)) {
        await sendOnEvent(ended.msgCode, undefined, { head: replies.csatHead, items: survey });
      }
    }
    await event('closed', {
      reason,
      handoffReason: s.handoff?.reason,
      agentId: s.customer.lastAgentId,
      durationSeconds: Math.round((now() - s.startedAt) / 1000),
    });
  }

  /** After close: record the survey click if it comes in time. */
  async function waitForSurvey(): Promise<void> {
    if (closedReason === 'idle') return;
    timersDue.csat = now() + settings.csatWaitMs;
    const clicked = await condition(() => s.inbox.some((m) => m.menuId?.startsWith('csat_')), settings.csatWaitMs);
    delete timersDue.csat;
    if (!clicked) return;
    const click = s.inbox.find((m) => m.menuId?.startsWith('csat_'))!;
    csat = click.menuId!.slice('csat_'.length);
    s.inbox = s.inbox.filter((m) => m !== click);
    record({ msgid: click.msgid, at: click.sendTime * 1000, from: 'customer', text: click.text ?? csat });
    await event('csat', { score: csat, agentId: s.customer.lastAgentId });
    await act.recordConversation(mirror());
  }

  // ================================================================ helpers

  /**
   * Moves a running conversation to the current workflow version: only between steps, never while
   * closing or while an agent's action is in flight (its handler waits on this loop).
   */
  async function moveToCurrent(): Promise<void> {
    if (closedReason || isClosed() || !allHandlersFinished()) return;
    if (!patched(MOVE_TO_CURRENT_PATCH)) return;
    const handOver: LegacyHandOver = { ...s, pendingTicketUpdates };
    await continueAsCurrent({ ...input, carried: undefined, fromLegacy: handOver });
  }

  function isClosed(): boolean {
    return s.state === 'closed';
  }

  function isBotState(): boolean {
    return s.state === 'bot' || s.state === 'confirming';
  }

  function hasCustomerInput(): boolean {
    return s.inbox.length > 0;
  }

  /**
   * Takes the waiting messages as one turn, after letting a burst settle. Events in the batch are
   * handled here (a servicer taking over in WeCom, a session ended there, a failed send).
   */
  async function takeTurn(): Promise<{ text: string; menuId?: string } | undefined> {
    if (settings.burstWindowMs > 0) {
      let size = s.inbox.length;
      while (await condition(() => s.inbox.length > size, settings.burstWindowMs)) size = s.inbox.length;
    }
    const batch = s.inbox;
    s.inbox = [];
    const texts: string[] = [];
    let menuId: string | undefined;
    for (const message of batch) {
      if (message.origin === 'customer') {
        noteCustomerMessage(message);
        if (message.text) texts.push(message.text);
        if (message.menuId) menuId = message.menuId;
      } else {
        await handleNonCustomer(message);
      }
    }
    if (texts.length === 0) return undefined;
    return { text: texts.join('\n'), menuId };
  }

  /** Outside the bot turn: record customer messages, react to events; true if anything happened. */
  async function absorbInbox(): Promise<boolean> {
    const batch = s.inbox;
    s.inbox = [];
    for (const message of batch) {
      if (message.origin === 'customer') noteCustomerMessage(message);
      else await handleNonCustomer(message);
    }
    return batch.length > 0;
  }

  function noteCustomerMessage(message: InboundMessage): void {
    s.lastCustomerAt = message.sendTime * 1000;
    s.repliesSinceCustomer = 0;
    s.lastActivityAt = now();
    record({
      msgid: message.msgid,
      at: message.sendTime * 1000,
      from: 'customer',
      text: message.text ?? `[${message.kind}]`,
    });
  }

  async function handleNonCustomer(message: InboundMessage): Promise<void> {
    if (message.origin === 'servicer') {
      if (humanMode === 'wecom' && message.servicerUserId) await takenInWecom(message.servicerUserId);
      // wecom mode: the agent writes in the WeCom client; it counts as the human reply.
      record({
        msgid: message.msgid,
        at: message.sendTime * 1000,
        from: 'agent',
        text: message.text ?? `[${message.kind}]`,
        agentId: s.agent?.agentId,
      });
      if (s.state === 'human' && s.agentRepliedAt === undefined) {
        s.agentRepliedAt = now();
        await event('first_response', {
          agentId: s.agent?.agentId,
          seconds: Math.round((now() - (s.assignedAt ?? now())) / 1000),
        });
      }
      s.lastActivityAt = now();
      return;
    }
    const ev = message.event;
    if (!ev) return;
    if (ev.type === 'session_status_change') {
      if (ev.changeType === 3) {
        endMsgCode = ev.msgCode;
        closedReason ??= 'ended_in_wecom';
      } else if (ev.changeType === 2 && ev.newServicerUserId) {
        await event('transfer', { toWecomUserId: ev.newServicerUserId, inWecom: true });
        if (s.agent) s.agent = { ...s.agent, wecomUserId: ev.newServicerUserId };
      } else if (ev.changeType === 1 && ev.newServicerUserId) {
        await takenInWecom(ev.newServicerUserId, ev.msgCode);
      }
    } else if (ev.type === 'msg_send_fail') {
      await event('send_failed', { msgid: ev.failMsgid, failType: ev.failType });
    } else if (ev.type === 'enter_session' && ev.welcomeCode && s.transcript.length === 0) {
      await sendOnEvent(ev.welcomeCode, replies.welcome);
    }
  }

  function record(entry: TranscriptEntry): void {
    s.transcript.push(entry);
    if (s.transcript.length > settings.transcriptInState)
      s.transcript = s.transcript.slice(-settings.transcriptInState);
  }

  /**
   * Whether WeCom lets us send now: within the reply window, under the per-message limit, and not
   * while a servicer holds the session in wecom mode. A refusal is an event (and, for a person's
   * message that can no longer reach the customer, an SLA breach).
   */
  async function mayReply(from: 'bot' | 'agent' | 'system' | 'menu'): Promise<boolean> {
    const verdict = canReply(now(), s.lastCustomerAt, s.repliesSinceCustomer, settings);
    if (verdict !== 'ok') {
      await event('reply_suppressed', { verdict, from });
      if (verdict === 'window_expired' && (from === 'agent' || from === 'system')) {
        await slaBreach(
          'reply_window',
          `客户最后一条消息已超过 ${Math.round(settings.replyWindowMs / 3600_000)} 小时，消息无法送达`,
        );
      }
      return false;
    }
    // wecom mode: the API may speak only in states 0/1, not while the pool or a servicer holds it.
    return !(humanMode === 'wecom' && (s.state === 'human' || s.inWecomPool));
  }

  /** Sends text through kf/send_msg with a deterministic msgid; respects WeCom's reply rules. */
  async function send(
    from: 'bot' | 'agent' | 'system',
    text: string,
    extra: { agentId?: string; kbEntryId?: string } = {},
  ): Promise<string | undefined> {
    if (!(await mayReply(from))) return undefined;
    const msgid = outboundMsgid(conversationId, ++s.outboundSeq);
    const result = await act.sendText({ conversationId, openKfId, externalUserId, msgid, text, from, ...extra });
    s.repliesSinceCustomer += 1;
    if (result.status === 'refused') {
      await event('send_refused', { errcode: result.errcode, from });
      return undefined;
    }
    record({ msgid, at: now(), from, text, ...extra });
    return msgid;
  }

  /** Sends a msgmenu like send(); true when it went out. */
  async function sendMenu(head: string, items: { id: string; content: string }[]): Promise<boolean> {
    if (!(await mayReply('menu'))) return false;
    const msgid = outboundMsgid(conversationId, ++s.outboundSeq);
    const result = await act.sendMenu({ conversationId, openKfId, externalUserId, msgid, head, items });
    s.repliesSinceCustomer += 1;
    if (result.status === 'refused') {
      await event('send_refused', { errcode: result.errcode, from: 'menu' });
      return false;
    }
    record({ msgid, at: now(), from: 'bot', text: `${head} [${items.map((i) => i.content).join(' / ')}]` });
    return true;
  }

  async function sendOnEvent(
    code: string,
    text?: string,
    menu?: { head: string; items: { id: string; content: string }[] },
  ) {
    const msgid = outboundMsgid(conversationId, ++s.outboundSeq);
    const result = await act.sendOnEvent({ conversationId, openKfId, externalUserId, code, msgid, text, menu });
    if (result.status === 'refused') await event('send_refused', { errcode: result.errcode, from: 'event' });
    else record({ msgid, at: now(), from: 'system', text: text ?? menu?.head ?? '' });
  }

  async function releaseAgent(): Promise<void> {
    if (!s.agent) return;
    await routing.releaseAgent({ conversationId, agentId: s.agent.agentId });
    s.agent = undefined;
  }

  async function slaBreach(kind: string, message: string): Promise<void> {
    await event('sla_breach', { kind, agentId: s.agent?.agentId });
    await alerts.raiseAlert({
      alertId: `${conversationId}:${kind}:${s.eventSeq}`,
      kind,
      conversationId,
      message: `${message}（会话 ${conversationId}，客户 ${s.customer.nickname ?? externalUserId}）`,
      priority: s.handoff?.priority,
    });
  }

  async function event(type: string, data: Record<string, unknown>): Promise<void> {
    s.eventSeq += 1;
    await act.recordEvent({
      eventId: `${conversationId}:${s.eventSeq}`,
      type,
      conversationId,
      openKfId,
      agentId: s.agent?.agentId,
      at: now(),
      data,
    });
  }

  async function setState(state: CsState): Promise<void> {
    s.state = state;
    if (state === 'queued') s.agent = undefined;
    upsertSearchAttributes([
      { key: CsStateKey, value: state },
      { key: CsOpenKfId, value: openKfId },
      { key: CsCustomerTier, value: s.customer.tier },
      { key: CsHandoffReason, value: s.handoff?.reason ?? null },
      { key: CsPriority, value: s.handoff?.priority ?? null },
      { key: CsAgent, value: s.agent?.agentId ?? null },
      { key: CsSkill, value: s.skill ?? null },
    ]);
    await act.recordConversation(mirror());
  }

  function mirror() {
    s.revision += 1;
    return {
      conversationId,
      openKfId,
      externalUserId,
      session: input.session,
      state: s.state,
      humanMode,
      agentId: s.agent?.agentId,
      handoffReason: s.handoff?.reason,
      handoffSummary: s.handoff?.summary,
      priority: s.handoff?.priority,
      skill: s.skill,
      customerTier: s.customer.tier,
      nickname: s.customer.nickname,
      ticketNo: s.ticketNo,
      csat,
      closedReason: s.state === 'closed' ? closedReason : undefined,
      startedAt: s.startedAt,
      queuedAt: s.state === 'queued' ? s.queuedAt : undefined,
      at: now(),
      revision: s.revision,
    };
  }

  function snapshot(): ConversationSnapshot {
    return {
      conversationId,
      openKfId,
      externalUserId,
      state: s.state,
      humanMode,
      agentId: s.agent?.agentId,
      handoff: s.handoff,
      ticketNo: s.ticketNo,
      transcriptTail: s.transcript.slice(-30),
      timersDue: { ...timersDue },
      csat,
      closedReason,
    };
  }

  function historyIsLong(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > settings.continueAsNewAfterEvents;
  }

  // ================================================================ signals, queries and agent actions

  function registerHandlers(): void {
    // ---------------------------------------------------------------- messages in
    setHandler(inboundSignal, (messages) => {
      for (const message of messages) {
        if (s.seenMsgids.includes(message.msgid)) continue; // WeCom delivers at least once
        s.seenMsgids.push(message.msgid);
        s.inbox.push(message);
      }
      if (s.seenMsgids.length > 500) s.seenMsgids = s.seenMsgids.slice(-500);
    });
    setHandler(ticketUpdatedSignal, (update) => {
      pendingTicketUpdates.push(update);
    });
    setHandler(snapshotQuery, () => snapshot());

    // ---------------------------------------------------------------- agent actions
    const requireAgent = (agentId: string) => {
      if (s.state !== 'human' || s.agent?.agentId !== agentId) {
        throw new Error(
          `conversation is ${s.state}${s.agent ? ` with ${s.agent.agentId}` : ''}, not with agent ${agentId}`,
        );
      }
    };
    setHandler(
      agentReplyUpdate,
      async ({ agentId, text }) => {
        const msgid = await send('agent', text.trim(), { agentId });
        if (s.agentRepliedAt === undefined) {
          s.agentRepliedAt = now();
          await event('first_response', { agentId, seconds: Math.round((now() - (s.assignedAt ?? now())) / 1000) });
        }
        s.lastActivityAt = now();
        return { msgid: msgid ?? '', sent: msgid !== undefined };
      },
      {
        validator: ({ agentId, text }) => {
          requireAgent(agentId);
          if (humanMode === 'wecom') throw new Error('in wecom mode agents reply from the WeCom client');
          if (!text?.trim()) throw new Error('text is empty');
          if (utf8Length(text) > WECOM_TEXT_MAX_BYTES)
            throw new Error(`text is over ${WECOM_TEXT_MAX_BYTES} bytes (WeCom limit)`);
        },
      },
    );
    setHandler(
      takeOverUpdate,
      async ({ agentId }) => {
        wantedAgent = agentId;
        if (s.state === 'bot' || s.state === 'confirming') await handoff('agent_requested', 2);
        await condition(() => s.state !== 'queued');
        return snapshot();
      },
      {
        validator: ({ agentId }) => {
          if (!agentId) throw new Error('agentId is required');
          if (!['bot', 'confirming', 'queued'].includes(s.state))
            throw new Error(`cannot take over a ${s.state} conversation`);
        },
      },
    );
    setHandler(
      transferUpdate,
      async ({ agentId, toAgentId, toSkill }) => {
        await event('transfer', { from: agentId, toAgentId, toSkill });
        await releaseAgent();
        if (toSkill) s.skill = toSkill;
        wantedAgent = toAgentId;
        s.excludedAgents = [agentId];
        await setState('queued');
        return snapshot();
      },
      {
        validator: ({ agentId, toAgentId, toSkill }) => {
          requireAgent(agentId);
          if (!toAgentId && !toSkill) throw new Error('give toAgentId or toSkill');
          if (toAgentId === agentId) throw new Error('cannot transfer to yourself');
        },
      },
    );
    setHandler(
      createTicketUpdate,
      async ({ agentId, title, description, priority = 'normal' }) => {
        const dueAt = now() + settings.ticketDueHours[priority] * 3600_000;
        const { ticketNo } = await tickets.createTicket({
          ticketId: `${conversationId}:${s.eventSeq + 1}`,
          conversationId,
          openKfId,
          externalUserId,
          title,
          description,
          priority,
          assignee: agentId,
          dueAt: new Date(dueAt).toISOString(),
        });
        s.ticketNo = ticketNo;
        s.ticketDueAt = dueAt;
        await event('ticket_created', { ticketNo, priority, agentId });
        await releaseAgent();
        await setState('ticket');
        await send('system', replies.ticketCreated(ticketNo));
        return { ticketNo };
      },
      {
        validator: ({ agentId, title }) => {
          requireAgent(agentId);
          if (!title?.trim()) throw new Error('title is empty');
        },
      },
    );
    setHandler(
      returnToBotUpdate,
      async ({ agentId }) => {
        await event('returned_to_bot', { agentId });
        await releaseAgent();
        s.memory = initialMemory();
        await setState('bot');
        await send('system', replies.backToBot);
        return snapshot();
      },
      {
        validator: ({ agentId }) => {
          requireAgent(agentId);
          // WeCom has no way back from a servicer (3) to the API (1): the servicer ends the session.
          if (humanMode === 'wecom') throw new Error('in wecom mode a servicer cannot return the session to the bot');
        },
      },
    );
    setHandler(
      resolveUpdate,
      async ({ agentId }) => {
        closedReason = 'resolved_by_agent';
        await event('resolved', { by: agentId });
        await condition(() => s.state === 'closed');
        return snapshot();
      },
      {
        validator: ({ agentId }) => {
          if (s.state === 'ticket') return;
          requireAgent(agentId);
        },
      },
    );
  }
}

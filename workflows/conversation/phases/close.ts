// closed: the agent's slot freed, the survey asked, and the mirror says closed. After close the
// conversation waits a while for the survey click; anything else the customer says in that time
// opens the next session (forwarded with it), where it is understood with this one's context.
// WeCom's session is ended when that wait is over and the customer stayed quiet (at close only when
// a servicer holds it, whose end code may carry the survey): a message on its way at close, late
// because of a fault or a backlog, must find a session the next conversation may still answer in.
import { asksForSurvey } from '../../../domain/lifecycle';
import { confirmMenuId, parseMenuId, surveyMenuId, type SurveyScore } from '../../../domain/menus';
import { replies } from '../../../domain/replies';
import { apiMaySend, apiMayMove } from '../../../domain/wecomSession';
import { condition } from '@temporalio/workflow';
import type { InboundMessage } from '../../conversationContract';
import { sessions, wecom } from '../activities';
import { releaseAgent } from '../assignment';
import type { Conversation } from '../context';
import { closingFacts } from '../facts';
import { hasCustomerInput, noteCustomerMessage } from '../inbound';
import { versions } from '../versions';

const scores: SurveyScore[] = ['satisfied', 'neutral', 'dissatisfied'];
const TAKEN_MSGIDS = 20;

export async function closePhase(c: Conversation): Promise<void> {
  const d = c.d;
  const reason = d.closing!;
  const agentId = d.agent?.agentId ?? d.customer.lastAgentId;
  await releaseAgent(c);
  const survey = asksForSurvey(reason)
    ? {
        head: replies.csatHead,
        items: scores.map((score) => ({ id: surveyMenuId(score, c.state.id.session), content: csatLabel(score) })),
      }
    : undefined;
  let surveyed = false;
  if (survey && apiMaySend(d.wecom)) surveyed = (await c.out.say({ menu: survey, from: 'bot' }))[0] === 'sent';
  // A customer message that arrived meanwhile belongs to the next session: WeCom's session stays
  // open for it rather than being ended under it.
  if (!hasCustomerInput(c)) {
    const ours = d.endMsgCode === undefined && apiMaySend(d.wecom) && (!survey || surveyed);
    if (ours && versions.endSessionWhenQuiet()) {
      d.endWhenQuiet = true;
    } else {
      const code = d.endMsgCode ?? (await endWecomSession(c));
      if (survey && !surveyed && code) await c.out.say({ code, menu: survey });
    }
  }
  const facts = closingFacts(c);
  c.records.add({
    type: 'closed',
    reason,
    handoffReason: d.handoff?.reason,
    agentId,
    durationSeconds: Math.round((c.now() - d.startedAt) / 1000),
    ...facts,
  });
  c.state.transition('closed');
  d.closedAt = c.now();
  d.customerUpdate = {
    ...d.customerUpdate,
    lastSession: {
      conversationId: c.state.id.conversationId,
      closedAt: c.now(),
      closedReason: reason,
      recentCustomerTurns: d.memory.recentCustomerTurns,
      lastAnsweredEntryId: d.memory.lastAnsweredEntryId,
      handoffReason: d.handoff?.reason,
      agentId,
      ...kpiContext(c, facts),
      msgids: takenMsgids(c),
    },
  };
  await c.records.flush();
}

/** Ends the WeCom session (→ 4) where WeCom allows it; the 20-second code it hands out, if any. */
async function endWecomSession(c: Conversation): Promise<string | undefined> {
  const d = c.d;
  if (!apiMayMove(d.wecom.state, 4)) return undefined;
  const { openKfId, externalUserId } = c.state.id;
  const ended = await wecom.setServiceState({ openKfId, externalUserId, state: 4 });
  if (!ended.ok) {
    c.records.add({ type: 'end_session_failed', errcode: ended.errcode });
    return undefined;
  }
  d.wecom = { state: 4 };
  return ended.msgCode;
}

/**
 * After close: the survey click is recorded (a dissatisfied one acknowledged, with a person
 * offered), and whatever else arrives opens the next session. Returns when the survey is answered
 * or its time is up and nothing is left to forward.
 */
export async function afterClose(c: Conversation): Promise<void> {
  const d = c.d;
  const until =
    d.closing !== undefined && asksForSurvey(d.closing) ? (d.closedAt ?? c.now()) + c.settings.csatWaitMs : 0;
  for (;;) {
    if (d.inbox.length === 0) await condition(() => d.inbox.length > 0, Math.max(until - c.now(), 1));
    const batch = d.inbox;
    d.inbox = [];
    const clicks = batch.filter((m) => isOurSurvey(c, m.menuId));
    const rest = batch.filter((m) => !clicks.includes(m));
    if (clicks.length > 0 && d.csat === undefined) await surveyAnswered(c, clicks[0]!);
    if (rest.length > 0) {
      // The customer wrote again (the next session answers in WeCom's session as it is), or
      // something else happened in it (a servicer took it…): it is no longer this conversation's to end.
      d.endWhenQuiet = false;
      await forward(c, rest);
    }
    await c.records.flush();
    if (d.inbox.length === 0 && (d.csat !== undefined || c.now() >= until)) break;
  }
  if (d.endWhenQuiet) {
    d.endWhenQuiet = false;
    await endWecomSession(c);
    await c.records.flush();
  }
}

function isOurSurvey(c: Conversation, menuId: string | undefined): boolean {
  const click = parseMenuId(menuId);
  return click?.menu === 'survey' && (click.session === undefined || click.session === c.state.id.session);
}

async function surveyAnswered(c: Conversation, click: InboundMessage): Promise<void> {
  const d = c.d;
  const score = (parseMenuId(click.menuId) as { score: SurveyScore }).score;
  noteCustomerMessage(c, click);
  d.csat = score;
  d.mirrorDirty = true;
  // The agent who served this conversation; none when the bot alone did (not the customer's earlier agent).
  const facts = d.facts;
  const agentId = facts
    ? facts.servedBy
    : d.handoff && (d.customerUpdate?.lastSession?.agentId ?? d.customer.lastAgentId);
  c.records.add({ type: 'csat', score, ...(agentId ? { agentId } : {}) });
  d.customerUpdate = { ...d.customerUpdate, lastSession: { ...lastSessionOf(c), csat: score } };
  if (score === 'dissatisfied') {
    // WeCom's session is still ours, or the click took it out of "ended": we may answer; a 转人工
    // click opens the next session with a request for a person.
    await c.out.say({
      menu: { head: replies.csatSorry, items: [{ id: confirmMenuId('human', 0), content: replies.confirmHuman }] },
      from: 'bot',
    });
  }
}

function lastSessionOf(c: Conversation) {
  const d = c.d;
  return {
    conversationId: c.state.id.conversationId,
    closedAt: d.closedAt ?? c.now(),
    closedReason: d.closing ?? 'idle',
    recentCustomerTurns: d.memory.recentCustomerTurns,
    lastAnsweredEntryId: d.memory.lastAnsweredEntryId,
    handoffReason: d.handoff?.reason,
    agentId: d.customer.lastAgentId,
    ...kpiContext(c, closingFacts(c)),
    msgids: takenMsgids(c),
  };
}

/** What the next session needs to charge a re-contact to this one's KPI cell. */
function kpiContext(c: Conversation, facts: ReturnType<typeof closingFacts>) {
  return {
    ...(facts.servedBy ? { servedBy: facts.servedBy } : {}),
    ...(c.d.skill ? { skill: c.d.skill } : {}),
    ...(facts.topic ? { topic: facts.topic } : {}),
    ...(facts.answered ? { answered: true } : {}),
    ...(facts.abandoned ? { abandoned: true } : {}),
  };
}

/**
 * The customer messages this session took, for the next one: WeCom delivers at least once, and a
 * message it delivers again after the customer moved on must not be answered a second time there.
 * Only the last few: older ones are recognised by their send time.
 */
function takenMsgids(c: Conversation): string[] {
  return c.d.transcript
    .filter((entry) => entry.from === 'customer')
    .map((entry) => entry.msgid)
    .slice(-TAKEN_MSGIDS);
}

/** What the customer said after close starts the next session (events of this one are only recorded). */
async function forward(c: Conversation, messages: InboundMessage[]): Promise<void> {
  const starts = messages.filter((m) => m.origin === 'customer' || m.event?.type === 'enter_session');
  if (starts.length === 0) return;
  const { openKfId, externalUserId, session } = c.state.id;
  const next = await sessions.forwardToNextSession({
    openKfId,
    externalUserId,
    closedSession: session,
    messages: starts,
  });
  c.records.add({ type: 'forwarded_to_next_session', count: starts.length, conversationId: next });
}

function csatLabel(score: SurveyScore): string {
  return score === 'satisfied'
    ? replies.csatSatisfied
    : score === 'neutral'
      ? replies.csatNeutral
      : replies.csatDissatisfied;
}

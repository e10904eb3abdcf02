// bot / confirming: one customer turn through understanding and the dialogue policy. Messages in a
// burst become one turn, and so do messages beyond the per-minute limit (they wait, never lost).
// A turn an agent takes over while it is being understood is left to the agent.
import { log } from '@temporalio/workflow';
import { confirmMenuId, parseMenuId } from '../../../domain/menus';
import { decide, type PolicyDecision, type PolicyMemory } from '../../../domain/policy';
import { replies } from '../../../domain/replies';
import { levelOf } from '../../../domain/serviceLevels';
import { botDeadline } from '../../../domain/sla';
import type { Understanding } from '../../../domain/understanding';
import type { InboundMessage } from '../../conversationContract';
import { brain } from '../activities';
import type { Conversation } from '../context';
import { noteTopic } from '../facts';
import { versions } from '../versions';
import { handoff } from '../handoff';
import { absorb, hasCustomerInput } from '../inbound';
import { inTrace, type Trace } from '../../traces';

const MINUTE = 60_000;

export async function botPhase(c: Conversation): Promise<void> {
  const d = c.d;
  const phase = d.phase as 'bot' | 'confirming';
  const due = botDeadline({ since: d.botSince, confirming: phase === 'confirming' }, c.settings);
  await c.wait(phase, due.at, () => d.inbox.length > 0);
  if (c.interrupted(phase)) return;
  if (!hasCustomerInput(c)) {
    if (d.inbox.length > 0)
      await absorb(c); // events only: a servicer took it, a send failed…
    else if (c.now() >= due.at) silence(c, phase);
    return;
  }
  const turn = await takeTurn(c, phase);
  if (!turn || c.interrupted(phase)) return;
  await inTrace(turn.trace, () => answer(c, phase, turn));
}

/** No reply to "did that help?" counts as resolved; a silent bot conversation closes. */
function silence(c: Conversation, phase: 'bot' | 'confirming'): void {
  if (phase === 'confirming') {
    c.records.add({ type: 'bot_resolved', silently: true, kbEntryId: c.d.memory.lastAnsweredEntryId });
    c.d.closing = 'resolved_silently';
  } else {
    c.d.closing = 'idle';
  }
}

/**
 * The customer's waiting messages as one turn, after letting a burst settle (at most burstMaxMs)
 * and, past botTurnsPerMinute, until the minute allows another turn.
 */
async function takeTurn(
  c: Conversation,
  phase: 'bot' | 'confirming',
): Promise<{ text: string; clicks: string[]; trace: Trace | undefined } | undefined> {
  const d = c.d;
  const { burstWindowMs, burstMaxMs, botTurnsPerMinute } = c.settings;
  const started = c.now();
  if (burstWindowMs > 0) {
    for (let size = d.inbox.length; ; size = d.inbox.length) {
      const until = Math.min(c.now() + burstWindowMs, started + burstMaxMs);
      if ((await c.wait(phase, until, () => d.inbox.length > size)) === 'due' || c.now() >= started + burstMaxMs) break;
      if (c.interrupted(phase)) return undefined;
    }
  }
  d.botTurnsAt = d.botTurnsAt.filter((at) => at > c.now() - MINUTE);
  if (d.botTurnsAt.length >= botTurnsPerMinute) {
    await c.wait(phase, d.botTurnsAt[0]! + MINUTE, () => false);
    if (c.interrupted(phase)) return undefined;
    d.botTurnsAt = d.botTurnsAt.filter((at) => at > c.now() - MINUTE);
  }
  const said = await absorb(c);
  if (said.length === 0 || c.interrupted(phase)) return undefined;
  d.botTurnsAt.push(c.now());
  d.botSince = c.now();
  return {
    text: turnText(c, said),
    clicks: said.map((m) => m.menuId).filter((id): id is string => Boolean(id)),
    trace: c.traceOf(said),
  };
}

/** A stale menu click (an old "did that help?", an old survey) adds nothing to the turn. */
function turnText(c: Conversation, said: InboundMessage[]): string {
  return said
    .filter((m) => m.text && !(m.menuId && isStaleClick(c, m.menuId)))
    .map((m) => m.text!)
    .join('\n');
}

/**
 * A "did that help?" click answers the turn it was sent with, or nothing; 转人工 is a request for a
 * person whichever menu it came from. A survey click in an open session belongs to an old one.
 */
function isStaleClick(c: Conversation, menuId: string): boolean {
  const click = parseMenuId(menuId);
  if (!click) return false;
  if (click.menu === 'survey') return true;
  if (click.option === 'human') return false;
  return c.d.phase !== 'confirming' || (click.turn !== undefined && click.turn !== c.d.confirmingTurn);
}

async function answer(c: Conversation, phase: 'bot' | 'confirming', turn: { text: string; clicks: string[] }) {
  const d = c.d;
  const stale = turn.clicks.filter((id) => isStaleClick(c, id));
  for (const menuId of stale) c.records.add({ type: 'stale_menu_click', menuId });
  if (!turn.text.trim()) return; // only stale clicks: nothing to answer

  let understanding: Understanding;
  try {
    understanding = await brain.understand({ text: turn.text, recentCustomerTurns: d.memory.recentCustomerTurns });
  } catch (error) {
    log.warn('understanding failed; handing off', { error: String(error) });
    await handoff(c, 'bot_unavailable', c.policy.priority.default + 1);
    return;
  }
  // An agent took over (or asked to) while we were thinking: the agent answers, not the bot.
  if (c.actions.length > 0 || c.interrupted(phase)) return;
  for (const id of turn.clicks.filter((x) => !stale.includes(x))) {
    const click = parseMenuId(id);
    if (click?.menu !== 'confirm') continue;
    if (click.option === 'human') understanding = { ...understanding, humanRequest: true };
    else understanding = { ...understanding, confirmation: click.option };
  }

  d.turn += 1;
  const before = d.memory;
  const { decision, memory } = decide({
    config: c.policy,
    state: phase,
    understanding,
    memory: d.memory,
    customerTier: d.customer.tier,
    previousSession: previousSession(c),
    handoffWhenNotUnderstood: levelOf(c.state.id.levels, d.customer.tier).handoffWhenNotUnderstood,
  });
  d.memory = memory;
  noteJudgements(c, before, understanding);
  await act(c, decision, understanding);
}

/**
 * What the review queue and the misjudgement rate need: the customer turned an answer down (the
 * transcript's answer from that entry), or the bot could not place the question.
 */
function noteJudgements(c: Conversation, before: PolicyMemory, understanding: Understanding): void {
  if (!versions.kpiFacts()) return;
  const d = c.d;
  const question = understanding.text;
  if (d.memory.rejections > before.rejections && before.lastAnsweredEntryId) {
    const kbEntryId = before.lastAnsweredEntryId;
    const msgid = d.transcript.findLast((t) => t.from === 'bot' && t.kbEntryId === kbEntryId)?.msgid;
    const asked = c.state.facts.answeredQuestion;
    c.records.add({
      type: 'answer_rejected',
      kbEntryId,
      ...(msgid ? { msgid } : {}),
      ...(asked ? { question: asked } : {}),
    });
  }
  if (d.memory.notUnderstood > before.notUnderstood) {
    c.records.add({
      type: 'not_understood',
      question,
      ...(understanding.entryId ? { bestEntryId: understanding.entryId } : {}),
      confidence: understanding.confidence,
    });
  }
}

/** The session before this one, when it closed moments ago: a message right after close continues it. */
function previousSession(c: Conversation) {
  const last = c.d.customer.lastSession;
  if (!last) return undefined;
  return {
    minutesSinceClose: (c.d.startedAt - last.closedAt) / MINUTE,
    hadHuman: last.agentId !== undefined,
    csat: last.csat,
  };
}

async function act(c: Conversation, decision: PolicyDecision, understanding: Understanding): Promise<void> {
  const d = c.d;
  switch (decision.kind) {
    case 'answer': {
      // The skill of what the customer asks about routes a later handoff.
      d.skill = understanding.candidates.find((x) => x.entryId === decision.entryId)?.skill ?? d.skill;
      c.records.add({
        type: 'bot_answer',
        kbEntryId: decision.entryId,
        confidence: understanding.confidence,
        nextBest: decision.nextBest,
        question: understanding.text,
      });
      noteTopic(c, decision.entryId);
      // A next-best answer answers the same question (this turn's text is the "no").
      if (!decision.nextBest) c.state.facts.answeredQuestion = understanding.text;
      const asking = decision.askConfirmation;
      if (asking) {
        c.state.transition('confirming');
        d.confirmingTurn = d.turn;
      } else {
        c.state.transition('bot');
      }
      d.mirrorDirty = true;
      await c.out.say(
        { text: decision.answer, from: 'bot', kbEntryId: decision.entryId, question: c.state.facts.answeredQuestion },
        ...(asking
          ? [
              {
                menu: {
                  head: replies.confirmHead,
                  items: [
                    { id: confirmMenuId('yes', d.turn), content: replies.confirmYes },
                    { id: confirmMenuId('no', d.turn), content: replies.confirmNo },
                    { id: confirmMenuId('human', d.turn), content: replies.confirmHuman },
                  ],
                },
                from: 'bot' as const,
              },
            ]
          : []),
      );
      d.botSince = c.now();
      return;
    }
    case 'clarify':
    case 'smalltalk':
      c.state.transition('bot');
      await c.out.say({ text: decision.reply, from: 'bot' });
      d.botSince = c.now();
      return;
    case 'resolved':
      c.records.add({ type: 'bot_resolved', silently: false, kbEntryId: d.memory.lastAnsweredEntryId });
      await c.out.say({ text: decision.reply ?? replies.glad, from: 'bot' });
      d.closing = 'resolved_by_bot';
      return;
    case 'handoff':
      await handoff(c, decision.reason, decision.priority, understanding);
      return;
  }
}

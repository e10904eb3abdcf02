// What-if replay: stored conversations' customer turns run again through the understanding engine
// and the dialogue policy the bot uses, once as things are and once with a candidate policy or KB,
// and the difference: answers, questions not understood, handoffs by reason, and the conversations
// whose course flips. The bot part of a conversation only: after a handoff people took over.
import { parseMenuId } from '../../domain/menus';
import { decide, initialMemory, type PolicyConfig } from '../../domain/policy';
import type { Understanding } from '../../domain/understanding';
import { handoffReasons } from '../../domain/kpi';

export interface StoredTurn {
  conversationId: string;
  text: string;
  menuId?: string;
}

/** What the bot would do with one conversation: the entries it answers from, and how it ends. */
export interface Course {
  answers: string[];
  unknowns: number;
  handoff?: string;
  resolved: boolean;
}

type Understand = (text: string, recent: string[]) => Promise<Understanding>;

export async function courseOf(turns: StoredTurn[], understand: Understand, policy: PolicyConfig): Promise<Course> {
  const course: Course = { answers: [], unknowns: 0, resolved: false };
  let state: 'bot' | 'confirming' = 'bot';
  let memory = initialMemory();
  for (const turn of turns) {
    const click = parseMenuId(turn.menuId);
    if (click?.menu === 'survey') continue;
    let u = await understand(turn.text, memory.recentCustomerTurns);
    if (click?.menu === 'confirm')
      u = click.option === 'human' ? { ...u, humanRequest: true } : { ...u, confirmation: click.option };
    const before = memory.notUnderstood;
    const result = decide({ config: policy, state, understanding: u, memory });
    memory = result.memory;
    if (memory.notUnderstood > before) course.unknowns += 1;
    const decision = result.decision;
    if (decision.kind === 'answer') {
      course.answers.push(decision.entryId);
      state = 'confirming';
    } else if (decision.kind === 'resolved') {
      course.resolved = true;
      return course;
    } else if (decision.kind === 'handoff') {
      course.handoff = decision.reason;
      return course;
    } else {
      state = 'bot';
    }
  }
  return course;
}

const ending = (c: Course) => c.handoff ?? (c.resolved ? 'resolved' : 'open');
const signature = (c: Course) => `${c.answers.join(',')}|${c.unknowns}|${ending(c)}`;

export interface ReplayReport {
  conversations: number;
  turns: number;
  answers: { before: number; after: number };
  unknowns: { before: number; after: number };
  handoffs: { before: number; after: number };
  handoffsByReason: { before: Record<string, number>; after: Record<string, number> };
  flipped: { conversationId: string; before: Course & { ending: string }; after: Course & { ending: string } }[];
}

/** Replays every conversation under both setups; `onProgress` hears each conversation done. */
export async function replay(
  turns: StoredTurn[],
  before: { understand: Understand; policy: PolicyConfig },
  after: { understand: Understand; policy: PolicyConfig },
): Promise<ReplayReport> {
  const byConversation = new Map<string, StoredTurn[]>();
  for (const turn of turns)
    byConversation.set(turn.conversationId, [...(byConversation.get(turn.conversationId) ?? []), turn]);
  const count = () => Object.fromEntries(handoffReasons.map((r) => [r, 0])) as Record<string, number>;
  const report: ReplayReport = {
    conversations: byConversation.size,
    turns: turns.length,
    answers: { before: 0, after: 0 },
    unknowns: { before: 0, after: 0 },
    handoffs: { before: 0, after: 0 },
    handoffsByReason: { before: count(), after: count() },
    flipped: [],
  };
  for (const [conversationId, own] of byConversation) {
    const courses = {
      before: await courseOf(own, before.understand, before.policy),
      after: await courseOf(own, after.understand, after.policy),
    };
    for (const side of ['before', 'after'] as const) {
      const c = courses[side];
      report.answers[side] += c.answers.length;
      report.unknowns[side] += c.unknowns;
      if (c.handoff) {
        report.handoffs[side] += 1;
        report.handoffsByReason[side][c.handoff] = (report.handoffsByReason[side][c.handoff] ?? 0) + 1;
      }
    }
    if (signature(courses.before) !== signature(courses.after)) {
      report.flipped.push({
        conversationId,
        before: { ...courses.before, ending: ending(courses.before) },
        after: { ...courses.after, ending: ending(courses.after) },
      });
    }
  }
  return report;
}

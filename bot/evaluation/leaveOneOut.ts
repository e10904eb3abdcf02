// Leave-one-out over the knowledge base's own similar questions: each is removed from its entry,
// the engine is built without it, and then it is asked. What the KB was not written around is
// what customers send, so this measures generalisation better than any set the bot was tuned on.
import { decide, initialMemory } from '../../domain/policy';
import type { KnowledgeBase } from '../kb';
import type { Understands } from './evaluate';

export interface LeaveOneOutReport {
  cases: number;
  /** The held-out question's entry ranks first. */
  top1: number;
  /** The bot answers it from that entry (the policy's confidence bar passed). */
  answered: number;
  /** The bot answers it from another entry. */
  wrongAnswers: number;
  failures: { entryId: string; question: string; got: string; top?: string }[];
}

export async function leaveOneOut(
  kb: KnowledgeBase,
  engineFor: (kb: KnowledgeBase) => Promise<Understands>,
): Promise<LeaveOneOutReport> {
  let top1 = 0;
  let answered = 0;
  let wrong = 0;
  const failures: LeaveOneOutReport['failures'] = [];
  const enabled = kb.entries.filter((entry) => entry.enabled !== false);
  for (const entry of enabled) {
    for (const [k, question] of entry.similar.entries()) {
      const without = {
        ...kb,
        entries: enabled.map((e) => (e === entry ? { ...e, similar: e.similar.filter((_, i) => i !== k) } : e)),
      };
      const engine = await engineFor(without);
      const understanding = await engine.understand(question, []);
      const top = understanding.candidates[0]?.entryId;
      const { decision } = decide({ state: 'bot', understanding, memory: initialMemory(), customerTier: 'normal' });
      const got = decision.kind === 'answer' ? `answer:${decision.entryId}` : decision.kind;
      if (top === entry.id) top1++;
      if (got === `answer:${entry.id}`) answered++;
      else if (got.startsWith('answer:')) wrong++;
      if (top !== entry.id || got !== `answer:${entry.id}`) failures.push({ entryId: entry.id, question, got, top });
    }
  }
  const cases = enabled.reduce((n, e) => n + e.similar.length, 0);
  const rate = (x: number) => (cases === 0 ? 1 : Math.round((x / cases) * 10_000) / 10_000);
  return { cases, top1: rate(top1), answered: rate(answered), wrongAnswers: rate(wrong), failures };
}

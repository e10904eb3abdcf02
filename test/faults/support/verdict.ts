// Exactly once, counted from what WeCom accepted: every text kf/send_msg the sandbox applied for a
// customer. A customer writes again only after their last message was answered, and never asks
// the same question twice in a row, so each of their messages has one answer of its own, a text
// unlike the others: a message answered twice shows as the same text twice (or as a text too many,
// e.g. a repeated question handed to a person), a message never answered as a text missing.
import type { Answer } from '../../../bench/answers';

export interface CustomerRecord {
  customer: string;
  /** The messages WeCom logged for them (in order). */
  sent: number;
  /** The texts WeCom accepted for them (in order). */
  answers: Answer[];
}

export interface Verdict {
  sent: number;
  /** Messages of customers whose answers were exactly one each (a lower bound otherwise). */
  answeredOnce: number;
  /** Messages without an answer. */
  missing: number;
  /** Texts sent beyond one per message: a text sent again, or one more than the customer asked for. */
  duplicated: number;
  /** The first customers whose answers are wrong, for the failure message. */
  wrong: { customer: string; sent: number; answers: string[] }[];
}

export function exactlyOnce(customers: CustomerRecord[]): Verdict {
  const verdict: Verdict = { sent: 0, answeredOnce: 0, missing: 0, duplicated: 0, wrong: [] };
  for (const { customer, sent, answers } of customers) {
    const distinct = new Set(answers.map((answer) => answer.content)).size;
    const missing = Math.max(0, sent - distinct);
    const duplicated = answers.length - distinct + Math.max(0, distinct - sent);
    verdict.sent += sent;
    verdict.missing += missing;
    verdict.duplicated += duplicated;
    verdict.answeredOnce += Math.max(0, sent - missing - duplicated);
    if (missing > 0 || duplicated > 0) {
      if (verdict.wrong.length < 5)
        verdict.wrong.push({ customer, sent, answers: answers.map((a) => a.content.slice(0, 40)) });
    }
  }
  return verdict;
}

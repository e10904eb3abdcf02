// Exactly once, counted from what WeCom accepted: every text kf/send_msg the sandbox applied for a
// customer. A customer writes again only after their last message was answered, and never asks
// the same question twice in a row, so each of their messages has an answer of its own: a message
// answered twice shows as the same text twice, a message never answered as a text missing.
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
  answeredOnce: number;
  /** Messages without an answer. */
  missing: number;
  /** Answers sent more than once (each extra copy counts). */
  duplicated: number;
  /** The first customers whose answers are wrong, for the failure message. */
  wrong: { customer: string; sent: number; answers: string[] }[];
}

export function exactlyOnce(customers: CustomerRecord[]): Verdict {
  const verdict: Verdict = { sent: 0, answeredOnce: 0, missing: 0, duplicated: 0, wrong: [] };
  for (const { customer, sent, answers } of customers) {
    const copies = new Map<string, number>();
    for (const answer of answers) copies.set(answer.content, (copies.get(answer.content) ?? 0) + 1);
    const once = [...copies.values()].filter((n) => n === 1).length;
    verdict.sent += sent;
    verdict.answeredOnce += Math.min(once, sent);
    verdict.missing += Math.max(0, sent - copies.size);
    verdict.duplicated += answers.length - copies.size;
    if (answers.length !== sent || copies.size !== sent) {
      if (verdict.wrong.length < 5)
        verdict.wrong.push({ customer, sent, answers: answers.map((a) => a.content.slice(0, 40)) });
    }
  }
  return verdict;
}

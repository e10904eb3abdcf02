// The built-in understanding engine: deterministic, offline, no I/O after construction. One call
// per customer turn returns everything the dialogue policy decides on.
import type { Understanding } from '../domain/understanding';
import {
  detectConfirmation,
  detectGibberish,
  detectHumanRequest,
  detectNegative,
  detectReask,
  detectRisk,
  detectSmalltalk,
} from './detectors';
import type { KnowledgeBase } from './kb';
import { normalizeText } from './normalize';
import { Retriever, type Retrieved } from './retriever';
import { shingles } from './tokenize';

/** Longer messages are cut before analysis: nobody asks one question in 2,000 characters. */
const MAX_CHARS = 2000;
/** How much a message's last clause alone is trusted against the whole message. */
const LAST_CLAUSE_DISCOUNT = 0.8;

export class BotEngine {
  private readonly answers = new Map<string, string>();
  private readonly questions = new Map<string, string>();

  private constructor(private readonly retriever: Retriever) {}

  static fromKnowledgeBase(kb: KnowledgeBase): BotEngine {
    const entries = kb.entries.filter((entry) => entry.enabled !== false);
    const engine = new BotEngine(new Retriever(entries));
    for (const entry of entries) {
      engine.answers.set(entry.id, entry.answer);
      engine.questions.set(entry.id, entry.question);
    }
    return engine;
  }

  get entryCount(): number {
    return this.retriever.size;
  }

  answerOf(entryId: string): string | undefined {
    return this.answers.get(entryId);
  }

  questionOf(entryId: string): string | undefined {
    return this.questions.get(entryId);
  }

  /**
   * Candidates for the message; a message of several clauses is also searched by its last clause,
   * where customers put the question after its story (我前几天买了个插座，收到发现用不上，还能退货吗).
   * The question clause, discounted for what it leaves out, wins only when it is more confident.
   */
  private retrieve(text: string): Retrieved[] {
    const whole = this.retriever.search(text);
    const clauses = text
      .split(/[，,。.！!？?；;~～\n]+/u)
      .filter((clause) => clause.replace(/[^\p{Script=Han}a-z0-9]/gu, '').length >= 3);
    if (clauses.length < 2) return whole;
    const last = this.retriever
      .search(clauses.at(-1)!)
      .map((c) => ({ ...c, confidence: c.confidence * LAST_CLAUSE_DISCOUNT }));
    return last[0] && last[0].confidence > (whole[0]?.confidence ?? 0) ? last : whole;
  }

  understand(message: string, recentCustomerTurns: string[] = []): Understanding {
    const text = normalizeText(String(message ?? '').slice(0, MAX_CHARS));
    const candidates = this.retrieve(text).map((c) => ({
      ...c,
      score: Math.round(c.score * 1000) / 1000,
      answer: this.answers.get(c.entryId) ?? '',
    }));
    const [top, second] = candidates;
    const margin = top ? (second ? (top.score - second.score) / top.score : 1) : 0;
    const turns = shingles(text);
    const repetition = recentCustomerTurns.reduce(
      (best, turn) => Math.max(best, similarity(turns, shingles(normalizeText(turn)))),
      0,
    );
    return {
      text,
      candidates,
      entryId: top?.entryId,
      skill: top?.skill,
      confidence: top?.confidence ?? 0,
      margin,
      humanRequest: detectHumanRequest(text),
      sentiment: detectNegative(text),
      risk: detectRisk(text),
      smalltalk: detectSmalltalk(text),
      confirmation: detectConfirmation(text),
      gibberish: detectGibberish(text),
      repetition,
      reask: detectReask(text),
    };
  }
}

/** Dice coefficient of two bigram sets. */
function similarity(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const item of a) if (b.has(item)) shared++;
  return (2 * shared) / (a.size + b.size);
}

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
import { Retriever } from './retriever';
import { shingles } from './tokenize';

/** Longer messages are cut before analysis: nobody asks one question in 2,000 characters. */
const MAX_CHARS = 2000;

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

  understand(message: string, recentCustomerTurns: string[] = []): Understanding {
    const text = normalizeText(String(message ?? '').slice(0, MAX_CHARS));
    const candidates = this.retriever
      .search(text)
      .map((c) => ({ ...c, score: Math.round(c.score * 1000) / 1000, answer: this.answers.get(c.entryId) ?? '' }));
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

// The built-in understanding engine: deterministic, offline, no I/O after construction. One call
// per customer turn returns everything the dialogue policy decides on. Given the message's
// embedding (and the KB's, see semantics.ts) it fuses lexical and dense retrieval and reads the
// detectors' classes by meaning too; without one it is the lexical engine alone.
import type { KbCandidate, Understanding } from '../domain/understanding';
import {
  detectConfirmation,
  detectFollowUp,
  detectGibberish,
  besidesHumanRequest,
  detectHumanRequest,
  humanRequestDeclined,
  detectNegative,
  detectQueueIntent,
  detectReask,
  detectRisk,
  detectSmalltalk,
} from './detectors';
import type { KnowledgeBase } from './kb';
import { normalizeText } from './normalize';
import { Retriever, type Retrieved } from './retriever';
import type { DenseIndex } from './semantic/denseIndex';
import { defaultFusionWeights, evidenceOf, fuse, type FusionWeights } from './semantic/fusion';
import type { MeaningDetector, MeaningReading } from './semantic/meaning';
import { dot } from './semantic/vectors';
import { shingles } from './tokenize';

/** The vector side of the engine, built by semantics.ts when an embedding server answers. */
export interface Semantics {
  dense: DenseIndex;
  meaning: MeaningDetector;
  fusion?: FusionWeights;
}

/** Longer messages are cut before analysis: nobody asks one question in 2,000 characters. */
const MAX_CHARS = 2000;
/** How much a message's last clause alone is trusted against the whole message. */
const LAST_CLAUSE_DISCOUNT = 0.8;
/**
 * What of a message is embedded: its start, normalised. The embedding's cost grows with length
 * (about a millisecond per token here), and a turn's budget is tens of milliseconds; the lexical
 * side still reads the whole message.
 */
const MAX_EMBEDDED_CHARS = 64;

export function textForEmbedding(message: string): string {
  return normalizeText(String(message ?? '').slice(0, MAX_CHARS)).slice(0, MAX_EMBEDDED_CHARS);
}

/** A lexical confidence this high means the message is an entry's question, word for word. */
const EXACT_WORDING = 0.999;
/** A request for a person names a problem only with this much else said, this clearly. */
const MIN_PROBLEM_CHARS = 4;
const NAMED_PROBLEM_CONFIDENCE = 0.45;
const strip = (text: string) => text.replace(/[^\p{Script=Han}a-z0-9]/gu, '');

/** Candidates the policy sees (the best and its runners-up for a next-best answer). */
const CANDIDATES = 3;
/** Lexical candidates handed to the fusion: the dense side adds its own. */
const LEXICAL_DEPTH = 8;

type Candidates = { candidates: KbCandidate[]; nearestQuestion?: number };

export class BotEngine {
  private readonly answers = new Map<string, string>();
  private readonly questions = new Map<string, string>();
  /**
   * A turn's candidates by its vector (the worker keeps the recent turns' vectors, the same objects
   * turn after turn): an elliptical follow-up reads its previous turn's candidates from here instead
   * of searching the KB a second time.
   */
  private readonly searched = new WeakMap<Float32Array, { text: string; found: Candidates }>();

  private constructor(
    private readonly retriever: Retriever,
    readonly semantics: Semantics | undefined,
  ) {}

  static fromKnowledgeBase(kb: KnowledgeBase, semantics?: Semantics): BotEngine {
    const entries = kb.entries.filter((entry) => entry.enabled !== false);
    const engine = new BotEngine(new Retriever(entries), semantics);
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
  private retrieve(text: string, limit: number): Retrieved[] {
    const whole = this.retriever.search(text, limit);
    const clauses = text
      .split(/[，,。.！!？?；;~～\n]+/u)
      .filter((clause) => clause.replace(/[^\p{Script=Han}a-z0-9]/gu, '').length >= 3);
    if (clauses.length < 2) return whole;
    const last = this.retriever
      .search(clauses.at(-1)!, limit)
      .map((c) => ({ ...c, confidence: c.confidence * LAST_CLAUSE_DISCOUNT }));
    return last[0] && last[0].confidence > (whole[0]?.confidence ?? 0) ? last : whole;
  }

  /**
   * Hybrid when the message's embedding is given (and the KB's vectors were built), lexical
   * otherwise. The embedding is of textForEmbedding(message).
   */
  private candidates(text: string, vector: Float32Array | undefined): Candidates {
    const known = vector && this.searched.get(vector);
    if (known && known.text === text) return known.found;
    const found = this.search(text, vector);
    if (vector) this.searched.set(vector, { text, found });
    return found;
  }

  private search(text: string, vector: Float32Array | undefined): Candidates {
    const semantics = vector ? this.semantics : undefined;
    const answer = (c: Retrieved) => ({
      ...c,
      score: Math.round(c.score * 1000) / 1000,
      answer: this.answers.get(c.entryId) ?? '',
    });
    if (!semantics) return { candidates: this.retrieve(text, CANDIDATES).map(answer) };
    const lexical = this.retrieve(text, LEXICAL_DEPTH);
    const dense = semantics.dense.search(
      vector!,
      lexical.map((c) => c.entryId),
    );
    // The confidence the policy reads: the calibrated probability, or the lexical confidence when
    // that is already higher (an exact wording needs no second opinion).
    const fused = fuse(lexical, dense, this.retriever.explainer(text), semantics.fusion);
    // The message is one of an entry's questions word for word: that entry first, whatever a
    // neighbour's vectors say (an editor who adds the exact question expects it to be answered).
    const exact = fused.findIndex((c) => c.confidence >= EXACT_WORDING);
    if (exact > 0) fused.unshift(...fused.splice(exact, 1));
    const candidates = fused.slice(0, CANDIDATES).map(({ probability, cosine, ...c }) => ({
      ...answer(c),
      confidence: Math.round(Math.max(c.confidence, probability) * 1000) / 1000,
      lexicalConfidence: Math.round(c.confidence * 1000) / 1000,
      probability: Math.round(probability * 1000) / 1000,
      cosine: Math.round(cosine * 1000) / 1000,
    }));
    return { candidates, nearestQuestion: Math.max(-1, ...dense.map((d) => d.question)) };
  }

  /**
   * Whether the message's embedding can change what the bot does: not for an empty or unreadable
   * message, a greeting or thanks alone, or one the risk lexicon already hands to a human (the
   * highest priority). Those turns skip the embedding call and its latency.
   */
  needsEmbedding(message: string): boolean {
    if (!this.semantics) return false;
    const text = normalizeText(String(message ?? '').slice(0, MAX_CHARS));
    return !detectGibberish(text) && detectSmalltalk(text) === undefined && !detectRisk(text).high;
  }

  /** The fusion's inputs for a message (for calibration): every proposed entry and its features. */
  fusionEvidence(message: string, vector: Float32Array): { entryId: string; x: number[] }[] {
    if (!this.semantics) return [];
    const text = normalizeText(String(message ?? '').slice(0, MAX_CHARS));
    const lexical = this.retrieve(text, LEXICAL_DEPTH);
    const dense = this.semantics.dense.search(
      vector,
      lexical.map((c) => c.entryId),
    );
    return evidenceOf(lexical, dense, this.retriever.explainer(text)).map((e) => ({
      entryId: e.lexical.entryId,
      x: e.x,
    }));
  }

  /**
   * How far the message's nearest recent turn is above the line past which two texts ask the same
   * question (the cosine that distinct KB questions rarely reach, fitted with the fusion): above 0,
   * the customer is asking again what they asked, in other words.
   */
  private repetitionByMeaning(
    vector: Float32Array | undefined,
    recentVectors: (Float32Array | undefined)[],
  ): number | undefined {
    if (!vector || !this.semantics) return undefined;
    let nearest: number | undefined;
    for (const recent of recentVectors) {
      if (recent && recent.length === vector.length) nearest = Math.max(nearest ?? -1, dot(recent, 0, vector));
    }
    const line = this.semantics.fusion?.sameQuestion ?? defaultFusionWeights.sameQuestion;
    return nearest === undefined || line === undefined ? undefined : Math.round((nearest - line) * 1000) / 1000;
  }

  /**
   * An elliptical follow-up (那摄像头呢) borrows its question from the customer's previous turn: the
   * candidates are that turn's (its text, and its vector when known). Undefined when the message
   * has no follow-up shape or there is no previous turn.
   */
  private followUpCandidates(
    text: string,
    recentCustomerTurns: string[],
    recentVectors: (Float32Array | undefined)[],
  ): KbCandidate[] | undefined {
    const previous = recentCustomerTurns.at(-1);
    if (previous === undefined || !detectFollowUp(text)) return undefined;
    return this.candidates(normalizeText(previous.slice(0, MAX_CHARS)), recentVectors.at(-1)).candidates;
  }

  /** The problem a request for a person also names, read lexically from the rest of the message. */
  private namedProblem(text: string): Pick<Understanding, 'namedProblem'> {
    const rest = besidesHumanRequest(text);
    if (strip(rest).length < MIN_PROBLEM_CHARS) return {};
    const top = this.candidates(rest, undefined).candidates[0];
    return top && top.confidence >= NAMED_PROBLEM_CONFIDENCE
      ? { namedProblem: { entryId: top.entryId, skill: top.skill, confidence: top.confidence } }
      : {};
  }

  /**
   * recentVectors: the embeddings of recentCustomerTurns where known (same order), so a turn is
   * compared with the turns before it by meaning as well as by wording.
   */
  understand(
    message: string,
    recentCustomerTurns: string[] = [],
    vector?: Float32Array,
    recentVectors: (Float32Array | undefined)[] = [],
  ): Understanding {
    const text = normalizeText(String(message ?? '').slice(0, MAX_CHARS));
    const { candidates, nearestQuestion } = this.candidates(text, vector);
    const [top, second] = candidates;
    const margin = top ? (second ? (top.score - second.score) / top.score : 1) : 0;
    const turns = shingles(text);
    const repetition = recentCustomerTurns.reduce(
      (best, turn) => Math.max(best, similarity(turns, shingles(normalizeText(turn)))),
      0,
    );
    const repetitionByMeaning = this.repetitionByMeaning(vector, recentVectors);
    const followUpCandidates = this.followUpCandidates(text, recentCustomerTurns, recentVectors);
    const smalltalk = detectSmalltalk(text);
    const confirmation = detectConfirmation(text);
    const gibberish = detectGibberish(text);
    // A greeting, a "yes/no" to "did that help?" or mashing is read by its phrases alone.
    const meaning =
      vector && this.semantics && nearestQuestion !== undefined && !smalltalk && !confirmation && !gibberish
        ? this.semantics.meaning.read(vector, nearestQuestion)
        : undefined;
    const humanRequest =
      detectHumanRequest(text) || (meaning?.humanRequest.detected === true && !humanRequestDeclined(text));
    const lexicalRisk = detectRisk(text);
    const lexicalNegative = detectNegative(text);
    return {
      text,
      candidates,
      entryId: top?.entryId,
      skill: top?.skill,
      confidence: top?.confidence ?? 0,
      margin,
      humanRequest,
      sentiment:
        meaning?.negative.detected && !lexicalNegative.negative
          ? { ...lexicalNegative, negative: true, score: Math.max(lexicalNegative.score, 0.6) }
          : lexicalNegative,
      risk:
        !lexicalRisk.high && meaning?.risk.detected ? { high: true, kind: meaning.risk.kind, terms: [] } : lexicalRisk,
      smalltalk,
      confirmation,
      gibberish,
      repetition,
      ...(repetitionByMeaning === undefined ? {} : { repetitionByMeaning }),
      ...(followUpCandidates ? { followUpCandidates } : {}),
      reask: detectReask(text),
      queueIntent: detectQueueIntent(text),
      ...(humanRequest ? this.namedProblem(text) : {}),
      retrieval: vector && this.semantics ? 'hybrid' : 'lexical',
      ...(meaning ? { meaning: summary(meaning) } : {}),
    };
  }
}

/** What the meaning detectors saw, for the handoff card and for tuning (margins, not vectors). */
function summary(reading: MeaningReading): NonNullable<Understanding['meaning']> {
  return {
    humanRequest: reading.humanRequest.margin,
    negative: reading.negative.margin,
    risk: reading.risk.margin,
  };
}

/** Dice coefficient of two bigram sets. */
function similarity(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const item of a) if (b.has(item)) shared++;
  return (2 * shared) / (a.size + b.size);
}

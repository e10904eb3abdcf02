// Hybrid retrieval: lexical (BM25 with its coverage confidence) and dense evidence for the same
// entries, fused by a logistic model into the probability that the entry answers the message. The
// weights are learned from the knowledge base itself (`npm run calibrate`: each similar question
// asked with itself left out, and each entry's questions asked with the whole entry left out, which
// is what an unknown question looks like), so the probability is calibrated and "I don't know"
// stays real: an off-topic message is near some entry by cosine, but leads no entry clearly.
import fusion from './fusion.json';
import type { Retrieved } from '../retriever';
import type { DenseEvidence } from './denseIndex';

export interface FusedCandidate extends Retrieved {
  /** Calibrated probability that this entry answers the message. */
  probability: number;
  /** Best cosine to the entry's questions. */
  cosine: number;
}

export const FEATURES = [
  'lexicalConfidence',
  'questionCoverage',
  'messageCoverage',
  'lexicalScore',
  'question',
  'questionLead',
  'questionBehindBest',
  'topic',
  'topicLead',
  'answer',
  'answerLead',
] as const;

/** Cosines of e5 live in a narrow band (0.8–0.95): centred and scaled so the weights read alike. */
const COSINE_CENTRE = 0.85;
const COSINE_SCALE = 10;

export function features(lexical: Retrieved, dense: DenseEvidence, bestLexicalScore: number, bestQuestion: number) {
  return [
    lexical.confidence,
    lexical.questionCoverage,
    lexical.messageCoverage,
    bestLexicalScore > 0 ? lexical.score / bestLexicalScore : 0,
    (dense.question - COSINE_CENTRE) * COSINE_SCALE,
    dense.questionLead * COSINE_SCALE,
    (dense.question - bestQuestion) * COSINE_SCALE,
    (dense.topic - COSINE_CENTRE) * COSINE_SCALE,
    dense.topicLead * COSINE_SCALE,
    (dense.answer - COSINE_CENTRE) * COSINE_SCALE,
    dense.answerLead * COSINE_SCALE,
  ];
}

export interface FusionWeights {
  weights: number[];
  bias: number;
  /**
   * The cosine past which two customer texts ask the same question: what distinct KB questions
   * (of different entries) rarely reach with this model (their 99th percentile).
   */
  sameQuestion?: number;
}

export const defaultFusionWeights: FusionWeights = {
  weights: fusion.weights,
  bias: fusion.bias,
  sameQuestion: fusion.sameQuestion,
};
if (fusion.weights.length !== FEATURES.length) {
  throw new Error(
    `bot/semantic/fusion.json has ${fusion.weights.length} weights for ${FEATURES.length} features: run npm run calibrate -- --write`,
  );
}

export function probability(x: number[], model: FusionWeights = defaultFusionWeights): number {
  let z = model.bias;
  x.forEach((value, i) => (z += value * (model.weights[i] ?? 0)));
  return 1 / (1 + Math.exp(-z));
}

/**
 * Every entry either side proposed, ranked by the fused probability. `lexicalOf` gives the lexical
 * evidence for an entry BM25 did not rank (it may still share a word or two with the message).
 */
export function fuse(
  lexical: Retrieved[],
  dense: DenseEvidence[],
  lexicalOf: (entryId: string) => Retrieved,
  model: FusionWeights = defaultFusionWeights,
): FusedCandidate[] {
  return evidenceOf(lexical, dense, lexicalOf)
    .map(({ lexical: lex, dense: evidence, x }) => ({
      ...lex,
      probability: probability(x, model),
      cosine: evidence.question,
    }))
    .sort((a, b) => b.probability - a.probability);
}

/** Both sides' evidence for every proposed entry, with its feature vector (what calibration fits). */
export function evidenceOf(
  lexical: Retrieved[],
  dense: DenseEvidence[],
  lexicalOf: (entryId: string) => Retrieved,
): { lexical: Retrieved; dense: DenseEvidence; x: number[] }[] {
  const byId = new Map(lexical.map((c) => [c.entryId, c]));
  const bestScore = Math.max(0, ...lexical.map((c) => c.score));
  const bestQuestion = Math.max(-1, ...dense.map((d) => d.question));
  return dense.map((evidence) => {
    const lex = byId.get(evidence.entryId) ?? lexicalOf(evidence.entryId);
    return { lexical: lex, dense: evidence, x: features(lex, evidence, bestScore, bestQuestion) };
  });
}

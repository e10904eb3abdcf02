// What the bot engine understood of one customer turn. Plain JSON: it travels from the
// understanding activity into the workflow, where the dialogue policy reads it.

export interface KbCandidate {
  entryId: string;
  skill: string;
  /** Calibrated 0..1: how much of the message this entry explains. */
  confidence: number;
  /** How much of the message the entry accounts for, and how much of its best question the message contains. */
  messageCoverage: number;
  questionCoverage: number;
  score: number;
  /** The entry's answer text, so the policy can answer without another lookup. */
  answer: string;
  /** Hybrid retrieval only: the lexical side's own confidence (before fusion; the hit-testing panel shows it). */
  lexicalConfidence?: number;
  /** Hybrid retrieval only: the fused probability that this entry answers, and the best cosine to its questions. */
  probability?: number;
  cosine?: number;
}

export interface Understanding {
  /** The normalised text the rules saw (NFKC, lower case, no emoji). */
  text: string;
  /** Ranked knowledge-base candidates, best first (at most 3). */
  candidates: KbCandidate[];
  /** The best candidate's entry, its skill and confidence, and the margin to the runner-up. */
  entryId?: string;
  skill?: string;
  confidence: number;
  margin: number;
  humanRequest: boolean;
  sentiment: { negative: boolean; score: number; terms: string[] };
  risk: { high: boolean; kind?: string; terms: string[] };
  smalltalk?: 'greeting' | 'thanks' | 'ack' | 'bye';
  /** An answer to "did that help?" if the message reads as one. */
  confirmation?: 'yes' | 'no';
  /** Nothing a human could read: keyboard mashing, only punctuation. */
  gibberish: boolean;
  /** Highest similarity (0..1) to one of the customer's recent turns. */
  repetition: number;
  /**
   * Hybrid only: the nearest recent turn's cosine less the line past which two texts ask the same
   * question (above 0: the same question again, whatever the wording).
   */
  repetitionByMeaning?: number;
  /**
   * An elliptical follow-up ("那摄像头呢") borrows the question of the customer's previous turn: that
   * turn's candidates (only for a message of that shape after a turn).
   */
  followUpCandidates?: KbCandidate[];
  /** The customer says they are asking again ("我问的是…"). */
  reask: boolean;
  /** While waiting for a person: asking how long it will be, or giving up on the wait. */
  queueIntent?: 'wait_time' | 'cancel';
  /**
   * A request for a person that also names a problem the bot recognises ("摄像头一直离线…给我找个人"):
   * that problem's entry and skill, read from the words besides the request.
   */
  namedProblem?: { entryId: string; skill: string; confidence: number };
  /** Lexical and dense retrieval fused, or lexical alone (no embedding server, or it failed this turn). */
  retrieval?: 'hybrid' | 'lexical';
  /** Hybrid only: how far each detector class led the nearest neutral text by meaning (a margin in cosine). */
  meaning?: { humanRequest: number; negative: number; risk: number };
}

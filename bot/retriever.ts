// BM25 retrieval over the knowledge base: every question and similar question is a document of
// its entry (the answer text a weaker one); an entry scores as its best document. Confidence is
// calibrated separately as IDF-weighted coverage: how much of what the customer said this entry
// accounts for, so a message about something the KB does not know scores low even when a common
// word matches.
import { applySynonyms, normalizeText } from './normalize';
import { tokenize } from './tokenize';

export interface RetrievalEntry {
  id: string;
  skill: string;
  question: string;
  similar: string[];
  answer: string;
}

export interface Retrieved {
  entryId: string;
  skill: string;
  score: number;
  confidence: number;
  /** Share of the message the entry accounts for, and share of the entry's best question the message contains. */
  messageCoverage: number;
  questionCoverage: number;
}

const K1 = 1.2;
const B = 0.75;
/** The answer text explains a message less surely than a question does. */
const ANSWER_WEIGHT = 0.35;
const RERANK_DEPTH = 8;
/** Weight of the BM25 score (relative to the best) next to the confidence when ordering. */
const SCORE_IN_RANK = 0.25;
const COMMON_SHARE = 0.1;

/**
 * An entry's questions, with each "A或者B" question also split into its alternatives: a customer
 * asking about A alone asks the whole of that question.
 */
function questionsOf(entry: RetrievalEntry): string[] {
  const questions = [entry.question, ...entry.similar];
  const parts = questions.flatMap((q) => {
    const split = q
      .split(/或者|或是|还是|、|\/| or /i)
      .map((p) => p.trim())
      .filter((p) => p.length > 1);
    return split.length > 1 ? split : [];
  });
  return [...questions, ...parts];
}

export class Retriever {
  private readonly vocabulary = new Map<string, number>();
  private readonly postings: { docs: number[]; tfs: number[] }[] = [];
  private readonly docEntry: number[] = [];
  private readonly docWeight: number[] = [];
  private readonly docLength: number[] = [];
  private readonly entryQuestionTokens: Set<number>[] = [];
  private readonly entryAnswerTokens: Set<number>[] = [];
  /** Token ids of each question document, per entry (for how much of a question the message covers). */
  private readonly entryQuestionDocs: number[][][] = [];
  private idf: Float64Array = new Float64Array();
  private unseenIdf = 0;
  private averageLength = 1;
  private scores: Float64Array = new Float64Array();
  private entryScores: Float64Array = new Float64Array();
  private readonly entries: RetrievalEntry[];
  private readonly indexOf = new Map<string, number>();

  constructor(entries: RetrievalEntry[]) {
    this.entries = entries;
    entries.forEach((entry, index) => {
      this.indexOf.set(entry.id, index);
      this.entryQuestionTokens.push(new Set());
      this.entryAnswerTokens.push(new Set());
      this.entryQuestionDocs.push([]);
      for (const text of questionsOf(entry)) {
        this.entryQuestionDocs[index]!.push(this.addDoc(index, text, 1, this.entryQuestionTokens[index]!));
      }
      this.addDoc(index, entry.answer, ANSWER_WEIGHT, this.entryAnswerTokens[index]!);
    });
    const docs = this.docLength.length;
    this.averageLength = this.docLength.reduce((a, b) => a + b, 0) / Math.max(docs, 1);
    this.idf = Float64Array.from(this.postings, (p) =>
      Math.log(1 + (docs - p.docs.length + 0.5) / (p.docs.length + 0.5)),
    );
    this.unseenIdf = Math.log(1 + (docs + 0.5) / 0.5);
    this.scores = new Float64Array(docs);
    this.entryScores = new Float64Array(entries.length);
  }

  get size(): number {
    return this.entries.length;
  }

  private addDoc(entry: number, text: string, weight: number, tokenSet: Set<number>): number[] {
    const doc = this.docLength.length;
    const tokens = tokenize(applySynonyms(normalizeText(text)));
    const counts = new Map<number, number>();
    for (const token of tokens) {
      let id = this.vocabulary.get(token);
      if (id === undefined) {
        id = this.postings.length;
        this.vocabulary.set(token, id);
        this.postings.push({ docs: [], tfs: [] });
      }
      counts.set(id, (counts.get(id) ?? 0) + 1);
      tokenSet.add(id);
    }
    for (const [id, tf] of counts) {
      this.postings[id]!.docs.push(doc);
      this.postings[id]!.tfs.push(tf);
    }
    this.docEntry.push(entry);
    this.docWeight.push(weight);
    this.docLength.push(tokens.length);
    return [...counts.keys()];
  }

  /** Top entries for already-normalised text, best first. */
  search(normalized: string, limit = 3): Retrieved[] {
    const tokens = tokenize(applySynonyms(normalized));
    if (tokens.length === 0) return [];
    const ids = tokens.map((token) => this.vocabulary.get(token));
    const touched: number[] = [];
    // Rarest tokens first; a token in more than a tenth of all documents adds little to the
    // ranking and costs the most, so it is scored only when nothing rarer matched.
    const known = [...new Set(ids)].filter((id): id is number => id !== undefined);
    known.sort((a, b) => this.postings[a]!.docs.length - this.postings[b]!.docs.length);
    const common = this.docLength.length * COMMON_SHARE;
    for (const id of known) {
      const { docs, tfs } = this.postings[id]!;
      if (docs.length > common && touched.length > 0) break;
      const idf = this.idf[id]!;
      for (let i = 0; i < docs.length; i++) {
        const doc = docs[i]!;
        const tf = tfs[i]!;
        if (this.scores[doc] === 0) touched.push(doc);
        const norm = tf + K1 * (1 - B + (B * this.docLength[doc]!) / this.averageLength);
        this.scores[doc]! += (idf * tf * (K1 + 1)) / norm;
      }
    }
    // Best document score per entry, then the few best entries, without sorting every match.
    const touchedEntries: number[] = [];
    for (const doc of touched) {
      const score = this.scores[doc]! * this.docWeight[doc]!;
      this.scores[doc] = 0;
      const entry = this.docEntry[doc]!;
      if (this.entryScores[entry] === 0) touchedEntries.push(entry);
      if (score > this.entryScores[entry]!) this.entryScores[entry] = score;
    }
    const top: [number, number][] = [];
    for (const entry of touchedEntries) {
      const score = this.entryScores[entry]!;
      this.entryScores[entry] = 0;
      if (top.length < RERANK_DEPTH || score > top[top.length - 1]![1]) {
        let i = Math.min(top.length, RERANK_DEPTH - 1);
        top[i] = [entry, score];
        while (i > 0 && top[i - 1]![1] < score) {
          [top[i - 1], top[i]] = [top[i]!, top[i - 1]!];
          i--;
        }
      }
    }
    // BM25 finds the candidates; the calibrated confidence orders the few best of them, because
    // BM25 over short questions over-rewards one rare shared word, and coverage alone over-rewards a
    // short question that shares one word. The order blends both; the confidence is reported as is.
    const best = top[0]?.[1] ?? 1;
    const rank = (c: { score: number; confidence: number }) => c.confidence * (c.score / best) ** SCORE_IN_RANK;
    return top
      .map(([entry, score]) => ({
        entryId: this.entries[entry]!.id,
        skill: this.entries[entry]!.skill,
        score,
        ...this.confidence(ids, entry),
      }))
      .sort((a, b) => rank(b) - rank(a) || b.score - a.score)
      .slice(0, limit);
  }

  /**
   * The lexical evidence for entries search() did not rank (what dense retrieval proposes): the
   * same coverages, and no BM25 score.
   */
  explainer(normalized: string): (entryId: string) => Retrieved {
    const ids = tokenize(applySynonyms(normalized)).map((token) => this.vocabulary.get(token));
    return (entryId) => {
      const entry = this.indexOf.get(entryId)!;
      return { entryId, skill: this.entries[entry]!.skill, score: 0, ...this.confidence(ids, entry) };
    };
  }

  /**
   * Both directions must agree: the entry explains the message (message coverage) and the message
   * contains one of the entry's questions (question coverage).
   */
  private confidence(ids: (number | undefined)[], entry: number) {
    const query = new Set(ids.filter((id): id is number => id !== undefined));
    let questionCoverage = 0;
    for (const doc of this.entryQuestionDocs[entry]!) {
      let total = 0;
      let covered = 0;
      for (const id of doc) {
        total += this.idf[id]!;
        if (query.has(id)) covered += this.idf[id]!;
      }
      if (total > 0) questionCoverage = Math.max(questionCoverage, covered / total);
    }
    const messageCoverage = this.coverage(ids, entry);
    return { confidence: Math.sqrt(messageCoverage * questionCoverage), messageCoverage, questionCoverage };
  }

  /** IDF-weighted share of the message's tokens that the entry's questions (or, less, its answer) contain. */
  private coverage(ids: (number | undefined)[], entry: number): number {
    let total = 0;
    let covered = 0;
    const questions = this.entryQuestionTokens[entry]!;
    const answer = this.entryAnswerTokens[entry]!;
    for (const id of ids) {
      const weight = id === undefined ? this.unseenIdf : this.idf[id]!;
      total += weight;
      if (id === undefined) continue;
      if (questions.has(id)) covered += weight;
      else if (answer.has(id)) covered += weight * 0.5;
    }
    return total === 0 ? 0 : covered / total;
  }
}

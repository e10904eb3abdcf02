// Dense retrieval over the knowledge base: each entry is its questions (as the customer would ask
// them), their centroid (the entry's topic, which a new wording is often closer to than to any one
// phrasing) and its answer (e5 was trained to find the passage that answers a query). Exact search:
// the centroids of every entry first, then the questions and answer of the few best entries and of
// the lexical candidates.
import type { EmbeddingRole } from './embeddingClient';
import { centroid, dot, dotAll, stack } from './vectors';

export interface DenseEntry {
  id: string;
  questions: string[];
  answer: string;
}

/** What the vectors say about one entry for one message. */
export interface DenseEvidence {
  entryId: string;
  /** Best cosine over the entry's questions, and its lead over the best other entry (negative when behind). */
  question: number;
  questionLead: number;
  /** Cosine to the entry's centroid, and its lead over the best other centroid. */
  topic: number;
  topicLead: number;
  /** Cosine to the entry's answer, and its lead over the best other answer. */
  answer: number;
  answerLead: number;
}

/** Entries whose questions are compared one by one, beyond the lexical candidates. */
const SHORTLIST = 24;

export type Embed = (texts: string[], role: EmbeddingRole) => Promise<Float32Array[]>;

export class DenseIndex {
  private constructor(
    private readonly ids: string[],
    private readonly dim: number,
    private readonly topics: Float32Array,
    private readonly answers: Float32Array,
    private readonly questions: Float32Array,
    /** Rows of `questions` per entry: [first, end). */
    private readonly rows: Int32Array,
    private readonly indexOf: Map<string, number>,
  ) {}

  /** Embeds what is not cached yet; throws when the embedding server fails. */
  static async build(entries: DenseEntry[], embed: Embed): Promise<DenseIndex> {
    const questionTexts = entries.flatMap((entry) => entry.questions);
    const questionVectors = await embed(questionTexts, 'query');
    const answerVectors = await embed(
      entries.map((entry) => entry.answer),
      'passage',
    );
    const dim = questionVectors[0]?.length ?? answerVectors[0]?.length ?? 0;
    const rows = new Int32Array(entries.length + 1);
    const topics: Float32Array[] = [];
    let row = 0;
    entries.forEach((entry, i) => {
      rows[i] = row;
      topics.push(centroid(questionVectors.slice(row, row + entry.questions.length), dim));
      row += entry.questions.length;
    });
    rows[entries.length] = row;
    return new DenseIndex(
      entries.map((entry) => entry.id),
      dim,
      stack(topics, dim),
      stack(answerVectors, dim),
      stack(questionVectors, dim),
      rows,
      new Map(entries.map((entry, i) => [entry.id, i])),
    );
  }

  get size(): number {
    return this.ids.length;
  }

  /** Evidence for the entries closest to the message and for the given ones, closest first. */
  search(vector: Float32Array, alsoEntryIds: string[] = []): DenseEvidence[] {
    if (vector.length !== this.dim) return [];
    const n = this.ids.length;
    const topic = dotAll(this.topics, vector, new Float32Array(n));
    const shortlist = topShare(topic, SHORTLIST);
    for (const id of alsoEntryIds) {
      const i = this.indexOf.get(id);
      if (i !== undefined && !shortlist.includes(i)) shortlist.push(i);
    }
    const question = shortlist.map((i) => {
      let best = -1;
      for (let row = this.rows[i]!; row < this.rows[i + 1]!; row++)
        best = Math.max(best, dot(this.questions, row, vector));
      return best;
    });
    const answer = shortlist.map((i) => dot(this.answers, i, vector));
    const [bestAnswer, secondAnswer] = bestTwo(answer);
    const [bestTopic, secondTopic] = bestTwo(topic);
    const [bestQuestion, secondQuestion] = bestTwo(question);
    return shortlist
      .map((i, k) => ({
        entryId: this.ids[i]!,
        question: question[k]!,
        questionLead: question[k]! - (question[k]! >= bestQuestion ? secondQuestion : bestQuestion),
        topic: topic[i]!,
        topicLead: topic[i]! - (topic[i]! >= bestTopic ? secondTopic : bestTopic),
        answer: answer[k]!,
        answerLead: answer[k]! - (answer[k]! >= bestAnswer ? secondAnswer : bestAnswer),
      }))
      .sort((a, b) => b.topic - a.topic);
  }
}

/** Indexes of the k largest values. */
function topShare(values: Float32Array, k: number): number[] {
  if (values.length <= k) return [...values.keys()];
  const top: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (top.length === k && values[i]! <= values[top[k - 1]!]!) continue;
    let at = top.length === k ? k - 1 : top.length;
    top[at] = i;
    while (at > 0 && values[top[at - 1]!]! < values[i]!) {
      [top[at - 1], top[at]] = [top[at]!, top[at - 1]!];
      at--;
    }
  }
  return top;
}

function bestTwo(values: ArrayLike<number>): [number, number] {
  let best = -1;
  let second = -1;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (value > best) [best, second] = [value, best];
    else if (value > second) second = value;
  }
  return [best, second];
}

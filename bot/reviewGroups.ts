// Groups the review queue's items so that an editor fixes a question once, not once per customer:
// items about the same KB entry whose questions read alike, and questions the bot did not place
// that read alike, share a group. Similarity is the engine's own: normalised text, character
// bigrams, Dice coefficient (what repetition detection uses).
import { normalizeText } from './normalize';
import { shingles } from './tokenize';

/** Questions at least this alike are one group. */
const ALIKE = 0.45;

export interface Groupable {
  id: string;
  question: string;
  entryId?: string;
  source: string;
}

export interface Group<T extends Groupable> {
  /** The group's most common question (what the editor reads first). */
  question: string;
  entryId?: string;
  items: T[];
}

function dice(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return (2 * shared) / (a.size + b.size);
}

/** Items an answer went wrong on are grouped by entry first; within it, and among the rest, by wording. */
export function groupReviewItems<T extends Groupable>(items: T[]): Group<T>[] {
  const groups: { entryId?: string; shingles: Set<string>[]; items: T[] }[] = [];
  for (const item of items) {
    const own = shingles(normalizeText(item.question));
    const entryId = item.source === 'not_understood' ? undefined : item.entryId;
    const home = groups.find(
      (g) =>
        (entryId !== undefined && g.entryId === entryId) ||
        (g.entryId === entryId && g.shingles.some((s) => dice(s, own) >= ALIKE)),
    );
    if (home) {
      home.items.push(item);
      home.shingles.push(own);
    } else {
      groups.push({ entryId, shingles: [own], items: [item] });
    }
  }
  return groups
    .map((g) => ({ question: mostCommon(g.items.map((i) => i.question)), entryId: g.entryId, items: g.items }))
    .sort((a, b) => b.items.length - a.items.length);
}

function mostCommon(questions: string[]): string {
  const counts = new Map<string, number>();
  for (const q of questions.filter(Boolean)) counts.set(q, (counts.get(q) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
}

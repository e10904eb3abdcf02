// Human requests, anger and risk recognised by meaning: the nearest labelled example of a class
// (lexicons/meaning.json) against the nearest neutral text (its neutral examples, or the knowledge
// base's nearest question, which dense retrieval has just found). A message reads as the class only
// when it is clearly nearer to it (the margin) and near it at all (the floor): a question about
// refunds sits nearest the refund questions, a threat to sue nearest the legal examples.
import examples from '../lexicons/meaning.json';
import type { Embed } from './denseIndex';
import { dot, stack } from './vectors';

export type MeaningClass = 'humanRequest' | 'negative' | 'risk';

export interface MeaningSignal {
  detected: boolean;
  /** Cosine to the nearest example of the class, and its lead over the nearest neutral text. */
  similarity: number;
  margin: number;
  /** For risk: the kind of the nearest example (safety, security, legal, regulator, media). */
  kind?: string;
}

export type MeaningReading = Record<MeaningClass, MeaningSignal>;

interface Group {
  name: MeaningClass;
  kinds: string[];
  vectors: Float32Array;
}

const thresholds = examples.thresholds as Record<
  MeaningClass,
  { margin: number; floor: number; rivals: MeaningClass[] }
>;

export class MeaningDetector {
  private constructor(
    private readonly groups: Group[],
    private readonly neutral: Float32Array,
    private readonly neutralCount: number,
  ) {}

  static async build(embed: Embed): Promise<MeaningDetector> {
    const labelled: { name: MeaningClass; kinds: string[]; texts: string[] }[] = [
      { name: 'humanRequest', kinds: examples.humanRequest.map(() => ''), texts: examples.humanRequest },
      { name: 'negative', kinds: examples.negative.map(() => ''), texts: examples.negative },
      {
        name: 'risk',
        kinds: Object.entries(examples.risk).flatMap(([kind, texts]) => texts.map(() => kind)),
        texts: Object.values(examples.risk).flat(),
      },
    ];
    const neutral = examples.neutral;
    const vectors = await embed([...labelled.flatMap((l) => l.texts), ...neutral], 'query');
    const dim = vectors[0]?.length ?? 0;
    let at = 0;
    const groups = labelled.map(({ name, kinds, texts }) => {
      const group = { name, kinds, vectors: stack(vectors.slice(at, at + texts.length), dim) };
      at += texts.length;
      return group;
    });
    return new MeaningDetector(groups, stack(vectors.slice(at), dim), neutral.length);
  }

  /** nearestQuestion: the cosine of the KB question nearest the message, itself neutral. */
  read(vector: Float32Array, nearestQuestion: number): MeaningReading {
    let nearestNeutral = nearestQuestion;
    for (let row = 0; row < this.neutralCount; row++)
      nearestNeutral = Math.max(nearestNeutral, dot(this.neutral, row, vector));
    const nearest = new Map(
      this.groups.map((group) => {
        let similarity = -1;
        let kind = '';
        group.kinds.forEach((k, row) => {
          const cosine = dot(group.vectors, row, vector);
          if (cosine > similarity) [similarity, kind] = [cosine, k];
        });
        return [group.name, { similarity, kind }] as const;
      }),
    );
    const reading = {} as MeaningReading;
    for (const group of this.groups) {
      const { similarity, kind } = nearest.get(group.name)!;
      const { margin: needed, floor, rivals } = thresholds[group.name];
      // A class outranking another in the policy must also be nearer than it: "let me speak with
      // someone" is a request for a person, not a risk, even when it is far from every neutral text.
      const rival = Math.max(nearestNeutral, ...rivals.map((r) => nearest.get(r)?.similarity ?? -1));
      const margin = similarity - rival;
      reading[group.name] = {
        detected: margin >= needed && similarity >= floor,
        similarity: round(similarity),
        margin: round(margin),
        ...(kind ? { kind } : {}),
      };
    }
    return reading;
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;

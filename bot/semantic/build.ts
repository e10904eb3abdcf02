// The engine's vector side for a knowledge base: its entries' questions, centroids and answers, and
// the meaning detectors' examples, embedded through the cache (only new or edited texts reach the
// embedding server).
import type { Semantics } from '../engine';
import type { KnowledgeBase } from '../kb';
import { DenseIndex, type Embed } from './denseIndex';
import { MeaningDetector } from './meaning';

export async function buildSemantics(kb: KnowledgeBase, embed: Embed): Promise<Semantics> {
  const entries = kb.entries.filter((entry) => entry.enabled !== false);
  const dense = await DenseIndex.build(
    entries.map((entry) => ({ id: entry.id, questions: [entry.question, ...entry.similar], answer: entry.answer })),
    embed,
  );
  const meaning = await MeaningDetector.build(embed);
  return { dense, meaning };
}

// The understanding engine in the api process, for the KB editor's hit testing and what-if replay:
// the same Understander the worker runs (hybrid with the embedding server, lexical without), over
// the KB in MongoDB — rebuilt when the KB stamp changes — or over that KB with a draft edit applied.
import type { Config } from '../config/env';
import { loadKnowledgeBaseFile, type KbEntry, type KnowledgeBase } from '../bot/kb';
import { knowledgeBaseStamp, loadKnowledgeBaseFromMongo } from '../bot/kbStore';
import { embeddingsFrom } from '../bot/semantic/embeddings';
import { Understander } from '../bot/understander';

export interface KbEngines {
  /** The engine over the KB as it is now. */
  current(): Promise<{ understander: Understander; kb: KnowledgeBase }>;
  /** The engine over the current KB with these entries added or replaced. */
  withDraft(entries: KbEntry[]): Promise<{ understander: Understander; kb: KnowledgeBase }>;
}

export function kbEngines(config: Config): KbEngines {
  const embeddings = embeddingsFrom(config.embeddings);
  let base: Pick<KnowledgeBase, 'name' | 'skills'> | undefined;
  let built: { stamp: string; engine: Promise<{ understander: Understander; kb: KnowledgeBase }> } | undefined;
  const loadBase = () => {
    if (!base) {
      const file = loadKnowledgeBaseFile(config.KB_FILE);
      base = { name: file.name, skills: file.skills };
    }
    return base;
  };
  const build = async (kb: KnowledgeBase) => ({ understander: await Understander.create(kb, embeddings), kb });

  const current = async () => {
    const stamp = await knowledgeBaseStamp();
    if (!built || built.stamp !== stamp || (await built.engine).understander.wantsSemantics) {
      const engine = loadKnowledgeBaseFromMongo(loadBase()).then(build);
      built = { stamp, engine };
      engine.catch(() => (built = undefined));
    }
    return built.engine;
  };
  return {
    current,
    async withDraft(entries) {
      const { kb } = await current();
      const drafts = new Map(entries.map((entry) => [entry.id, entry]));
      const merged = kb.entries.map((entry) => drafts.get(entry.id) ?? entry);
      for (const entry of entries) if (!kb.entries.some((e) => e.id === entry.id)) merged.push(entry);
      return build({ ...kb, entries: merged });
    },
  };
}

// The knowledge base's answers as suggestions for an agent: the same lexical retrieval the bot
// uses (bot/engine.ts), built in the api from the entries in MongoDB and rebuilt when they change
// (checked at most every RECHECK_MS, on use). No embeddings here: a suggestion the agent reads and
// picks needs no calibrated confidence, and the api stays free of the embedding server.
import { BotEngine } from '../bot/engine';
import { knowledgeBaseStamp, loadKnowledgeBaseFromMongo } from '../bot/kbStore';
import { defaultPolicyConfig } from '../domain/policy';

const RECHECK_MS = 30_000;
/** The bot's own bar for a fair guess (domain/policy.json): below it a suggestion is noise. */
const SUGGESTION_MIN_CONFIDENCE = defaultPolicyConfig.answerConfidenceWithQuestion;

export interface KbSuggestion {
  entryId: string;
  question: string;
  answer: string;
  skill: string;
  confidence: number;
}

export class KbSuggester {
  private engine: BotEngine | undefined;
  private stamp = '';
  private checkedAt = 0;
  private building: Promise<BotEngine> | undefined;

  private async current(): Promise<BotEngine> {
    if (this.engine && Date.now() - this.checkedAt < RECHECK_MS) return this.engine;
    this.building ??= (async () => {
      const stamp = await knowledgeBaseStamp();
      this.checkedAt = Date.now();
      if (!this.engine || stamp !== this.stamp) {
        this.engine = BotEngine.fromKnowledgeBase(await loadKnowledgeBaseFromMongo({ name: 'kb', skills: {} }));
        this.stamp = stamp;
      }
      return this.engine;
    })().finally(() => (this.building = undefined));
    return this.building;
  }

  async suggest(text: string, limit: number): Promise<KbSuggestion[]> {
    const engine = await this.current();
    return engine
      .understand(text)
      .candidates.filter((c) => c.confidence >= SUGGESTION_MIN_CONFIDENCE)
      .slice(0, limit)
      .map((c) => ({
        entryId: c.entryId,
        question: engine.questionOf(c.entryId) ?? c.entryId,
        answer: c.answer,
        skill: c.skill,
        confidence: Math.round(c.confidence * 100) / 100,
      }));
  }
}

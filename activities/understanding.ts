// Understanding a customer turn and writing the handoff card's summary. The built-in engine
// answers at once; an LLM, when configured, may refine within a fixed budget, and a slow or failing
// LLM leaves the engine's result: a customer never waits on it, and never gets a "bot unavailable"
// handoff because a model was slow.
import type { TranscriptEntry } from '../workflows/conversationContract';
import type { Understanding } from '../domain/understanding';

/** How long an LLM may take to refine one turn; the understand activity's timeout is well above it. */
export const LLM_TURN_BUDGET_MS = 10_000;

export interface UnderstandingDeps {
  understand(text: string, recentCustomerTurns: string[]): Understanding | Promise<Understanding>;
  /** The LLM's refinement of the engine's understanding (placing, rewriting), when configured. */
  refine?(understanding: Understanding, text: string): Promise<Understanding>;
  summarize?(input: { reason: string; transcript: TranscriptEntry[] }): Promise<string | undefined>;
  llmBudgetMs?: number;
}

/** The promise's value if it settles in time and succeeds, else the fallback. */
export async function within<T>(work: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)));
  try {
    return await Promise.race([work.catch(() => fallback), late]);
  } finally {
    clearTimeout(timer);
  }
}

export function createUnderstandingActivities(deps: UnderstandingDeps) {
  const budget = deps.llmBudgetMs ?? LLM_TURN_BUDGET_MS;
  return {
    async understand(req: { text: string; recentCustomerTurns: string[] }): Promise<Understanding> {
      const understood = await deps.understand(req.text, req.recentCustomerTurns);
      if (!deps.refine) return understood;
      return within(deps.refine(understood, req.text), budget, understood);
    },

    /** The LLM's summary when configured and in time; else none, and the workflow writes its own. */
    async buildHandoffCard(req: {
      reason: string;
      transcript: TranscriptEntry[];
      understanding?: Understanding;
      customer: { tier: string; tags: string[]; nickname?: string };
    }): Promise<{ summary: string; modelWritten?: boolean }> {
      const said = req.transcript.filter((t) => t.from === 'customer').map((t) => t.text);
      const extractive = { summary: said.slice(-3).join(' / ') || '(no customer message yet)' };
      if (!deps.summarize) return extractive;
      const llm = await within(deps.summarize({ reason: req.reason, transcript: req.transcript }), budget, undefined);
      return llm ? { summary: llm, modelWritten: true } : extractive;
    },
  };
}

// Understanding a customer turn, and what the handoff card needs from outside the workflow (the
// LLM's summary, the KB's readable intents). The built-in engine answers at once; an LLM, when
// configured, may refine within a fixed budget, and a slow or failing LLM leaves the engine's
// result: a customer never waits on it, and never gets a "bot unavailable" handoff because a model
// was slow.
import type { TranscriptEntry } from '../workflows/conversationContract';
import type { ReadableEntry } from '../domain/handoffSummary';
import type { Understanding } from '../domain/understanding';

/** How long an LLM may take to refine one turn; the understand activity's timeout is well above it. */
export const LLM_TURN_BUDGET_MS = 10_000;

export interface UnderstandingDeps {
  understand(text: string, recentCustomerTurns: string[]): Understanding | Promise<Understanding>;
  /** The LLM's refinement of the engine's understanding (placing, rewriting), when configured. */
  refine?(understanding: Understanding, text: string): Promise<Understanding>;
  summarize?(input: { reason: string; transcript: TranscriptEntry[] }): Promise<string | undefined>;
  llmBudgetMs?: number;
  /** KB entries' questions and skills by id, and the skills' names (the KB file's `skills`). */
  describeEntries?(entryIds: string[]): Pick<HandoffCardHelp, 'entries' | 'skills'>;
}

/** What the handoff card gets from outside the workflow. */
export interface HandoffCardHelp {
  /** Only when a model wrote it; otherwise the workflow writes the summary (domain/handoffSummary.ts). */
  summary?: string;
  modelWritten?: boolean;
  entries?: Record<string, ReadableEntry>;
  skills?: Record<string, string>;
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

    /**
     * The LLM's summary when configured and in time (marked model-written); the KB questions and
     * skill names of the entries asked about, so the workflow's own summary reads in words.
     */
    async buildHandoffCard(req: {
      reason: string;
      transcript: TranscriptEntry[];
      understanding?: Understanding;
      customer: { tier: string; tags: string[]; nickname?: string };
      /** The entries the summary names: the intent and the answers the bot gave. */
      entryIds?: string[];
    }): Promise<HandoffCardHelp> {
      const readable = deps.describeEntries?.(req.entryIds ?? []) ?? { entries: {}, skills: {} };
      if (!deps.summarize) return readable;
      const llm = await within(deps.summarize({ reason: req.reason, transcript: req.transcript }), budget, undefined);
      return llm ? { ...readable, summary: llm, modelWritten: true } : readable;
    },
  };
}

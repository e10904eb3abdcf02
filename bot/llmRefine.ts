// When an LLM is configured it may improve what the engine understood, never override a safety
// signal: a message the engine could not place is classified among the retrieved candidates, and
// a confident answer is rewritten for the customer's wording, grounded on that one entry. A
// rewrite that adds a number, an amount, a date, a link or a promise the entry does not make is
// dropped and the entry's own answer is sent (bot/grounding.ts). Any LLM failure leaves the
// engine's understanding as it was.
import { defaultPolicyConfig } from '../domain/policy';
import type { Understanding } from '../domain/understanding';
import type { BotEngine } from './engine';
import { ungroundedClaims } from './grounding';
import type { LlmAssistant } from './llm';

export async function refineWithLlm(
  understanding: Understanding,
  message: string,
  engine: Pick<BotEngine, 'questionOf'>,
  llm: Pick<LlmAssistant, 'classify' | 'rewriteAnswer'>,
  threshold = defaultPolicyConfig.answerConfidence,
  onUngrounded?: (report: { entryId: string; claims: string[] }) => void,
): Promise<Understanding> {
  const u = understanding;
  if (u.risk.high || u.humanRequest || u.sentiment.negative || u.smalltalk || u.gibberish || u.confirmation) return u;
  let candidates = u.candidates;
  if (candidates.length > 0 && candidates[0]!.confidence < threshold) {
    const picked = await llm.classify(
      message,
      candidates.map((c) => c.entryId),
    );
    const chosen = candidates.find((c) => c.entryId === picked);
    if (!chosen) return u;
    candidates = [{ ...chosen, confidence: threshold }, ...candidates.filter((c) => c !== chosen)];
  }
  const top = candidates[0];
  if (!top || top.confidence < threshold) return u;
  const question = engine.questionOf(top.entryId);
  const rewritten = question ? await llm.rewriteAnswer(message, [{ question, answer: top.answer }]) : undefined;
  const claims = rewritten ? ungroundedClaims(rewritten, `${question}\n${top.answer}`) : [];
  if (claims.length > 0) onUngrounded?.({ entryId: top.entryId, claims });
  else if (rewritten) candidates = [{ ...top, answer: rewritten }, ...candidates.slice(1)];
  return { ...u, candidates, entryId: top.entryId, skill: top.skill, confidence: top.confidence };
}

// The dialogue policy: from what the engine understood of a turn, the conversation's memory and the
// customer's tier, decide what the bot does. A pure function: the conversation workflow calls it
// and so does the evaluation command, so what is measured is what runs. Thresholds, priorities and
// texts are data (policy.json).
import defaults from './policy.json';
import type { KbCandidate, Understanding } from './understanding';

export type PolicyConfig = typeof defaults;
export const defaultPolicyConfig: PolicyConfig = defaults;

export type HandoffReason =
  | 'customer_request'
  | 'low_confidence'
  | 'repeated_question'
  | 'answer_rejected'
  | 'negative_sentiment'
  | 'high_risk'
  | 'vip'
  | 'agent_requested'
  | 'bot_unavailable'
  /** The customer came back right after a session with a person (or a dissatisfied rating) and the bot could not place it. */
  | 'follow_up';

export type PolicyDecision =
  | { kind: 'answer'; entryId: string; answer: string; askConfirmation: boolean; nextBest: boolean }
  | { kind: 'clarify'; reply: string }
  | { kind: 'smalltalk'; reply: string }
  | { kind: 'resolved'; reply: string }
  | { kind: 'handoff'; reason: HandoffReason; priority: number };

/** What the bot remembers between turns; plain JSON, carried in workflow state. */
export interface PolicyMemory {
  recentCustomerTurns: string[];
  lastAnsweredEntryId?: string;
  /** Runner-up entries of the last answered question, for a next-best answer after a "no". */
  alternatives: Pick<KbCandidate, 'entryId' | 'confidence' | 'answer'>[];
  answeredEntryIds: string[];
  rejections: number;
  notUnderstood: number;
}

export interface PolicyInput {
  state: 'bot' | 'confirming';
  understanding: Understanding;
  memory: PolicyMemory;
  customerTier?: string;
  config?: PolicyConfig;
  /** The customer's previous session, when there was one: a message right after close continues it. */
  previousSession?: { minutesSinceClose: number; hadHuman: boolean; csat?: string };
  /** The customer's service level hands off the first message the bot cannot place (VIPs). */
  handoffWhenNotUnderstood?: boolean;
}

export function initialMemory(): PolicyMemory {
  return { recentCustomerTurns: [], alternatives: [], answeredEntryIds: [], rejections: 0, notUnderstood: 0 };
}

export function priorityFor(reason: HandoffReason, tier: string | undefined, config: PolicyConfig = defaults): number {
  const base = (config.priority as Record<string, number>)[reason] ?? config.priority.default;
  const bonus = tier ? ((config.tierBonus as Record<string, number>)[tier] ?? 0) : 0;
  return base + bonus;
}

export function decide(input: PolicyInput): { decision: PolicyDecision; memory: PolicyMemory } {
  const config = input.config ?? defaults;
  const u = input.understanding;
  const before = input.memory;
  const memory: PolicyMemory = {
    ...before,
    recentCustomerTurns: [...before.recentCustomerTurns, u.text].slice(-config.recentTurns),
  };
  const handoff = (reason: HandoffReason) => ({
    decision: { kind: 'handoff' as const, reason, priority: priorityFor(reason, input.customerTier, config) },
    memory,
  });
  const answer = (
    candidate: Pick<KbCandidate, 'entryId' | 'answer'>,
    nextBest: boolean,
    alternatives: PolicyMemory['alternatives'],
  ) => {
    memory.lastAnsweredEntryId = candidate.entryId;
    memory.answeredEntryIds = [...memory.answeredEntryIds, candidate.entryId];
    memory.alternatives = alternatives;
    memory.notUnderstood = 0;
    const text = nextBest ? `${config.replies.nextBestIntro}\n${candidate.answer}` : candidate.answer;
    return {
      decision: { kind: 'answer' as const, entryId: candidate.entryId, answer: text, askConfirmation: true, nextBest },
      memory,
    };
  };

  // 1. Moments that always need a human, most urgent first.
  if (u.risk.high) return handoff('high_risk');
  if (u.humanRequest) return handoff('customer_request');
  if (u.sentiment.negative) return handoff('negative_sentiment');

  // Confident when the entry explains the message well, or somewhat well while the message clearly
  // contains one of the entry's questions; or, with embeddings, when the fused probability (fitted
  // on held-out KB questions, lexical and dense evidence together) says so even where the wording
  // shares little with the KB (another language, a paraphrase). A conversation that started under a
  // policy without that bar never uses it.
  const answerProbability = (config as { answerProbability?: number }).answerProbability ?? Infinity;
  const answers = (c: KbCandidate | undefined): c is KbCandidate =>
    c !== undefined &&
    !u.gibberish &&
    (c.confidence >= config.answerConfidence ||
      (c.confidence >= config.answerConfidenceWithQuestion && c.questionCoverage >= config.questionCoverageForAnswer) ||
      (c.probability ?? 0) >= answerProbability);
  // A follow-up that borrows its question from the previous turn (那摄像头呢) is placed with it when
  // it cannot be placed alone (a policy without followUpContext never does).
  const withContext =
    !answers(u.candidates[0]) &&
    (config as { followUpContext?: boolean }).followUpContext === true &&
    answers(u.followUpCandidates?.[0]);
  const candidates = withContext ? u.followUpCandidates! : u.candidates;
  const top = candidates[0];
  const confident = answers(top);
  const newTopic = confident && top.entryId !== before.lastAnsweredEntryId;

  // 2. "Did that help?"
  if (input.state === 'confirming' && !(newTopic && u.confirmation !== 'no')) {
    if (u.confirmation === 'yes') return { decision: { kind: 'resolved', reply: config.replies.resolved }, memory };
    if (u.confirmation === 'no') {
      memory.rejections = before.rejections + 1;
      if (memory.rejections >= config.maxRejections) return handoff('answer_rejected');
      const next = before.alternatives.find(
        (c) => c.confidence >= config.nextBestConfidence && !before.answeredEntryIds.includes(c.entryId),
      );
      if (!next) return handoff('answer_rejected');
      return answer(
        next,
        true,
        before.alternatives.filter((c) => c !== next),
      );
    }
  }

  // 3. The same question again: the answers are not reaching the customer.
  const askedBefore = before.lastAnsweredEntryId !== undefined || before.notUnderstood > 0;
  if (askedBefore && !u.smalltalk) {
    const sameAnswerAgain = confident && top.entryId === before.lastAnsweredEntryId;
    // The same question in other words: as near a recent turn by meaning as distinct questions
    // never are (a conversation that started under a policy without the rule never applies it).
    const sameMeaning =
      (u.repetitionByMeaning ?? -Infinity) >=
      ((config as { sameMeaningMargin?: number }).sameMeaningMargin ?? Infinity);
    // Same meaning as an answer this session gave: a customer back after a closed session (its turns
    // carried for context) asking that topic again is answered afresh, unless they say it is a re-ask.
    const answeredHere = top !== undefined && before.answeredEntryIds.includes(top.entryId);
    const repeated =
      u.repetition >= config.repetitionSimilarity ||
      (sameAnswerAgain && (u.repetition >= config.sameAnswerRepetition || (sameMeaning && answeredHere))) ||
      (u.reask &&
        (u.repetition >= config.reaskSimilarity || sameMeaning || top?.entryId === before.lastAnsweredEntryId));
    if (repeated) return handoff('repeated_question');
  }

  // 4. Politeness.
  if (u.smalltalk && !confident) {
    if (input.state === 'confirming' && (u.smalltalk === 'thanks' || u.smalltalk === 'ack')) {
      return { decision: { kind: 'resolved', reply: config.replies.resolved }, memory };
    }
    return { decision: { kind: 'smalltalk', reply: config.replies[u.smalltalk] }, memory };
  }

  // 5. A question the knowledge base answers.
  if (confident) {
    const rejections = newTopic ? 0 : before.rejections;
    memory.rejections = rejections;
    return answer(top, false, candidates.slice(1));
  }

  // 6. Not understood: ask again, then hand over. Right after a session with a person (or one the
  // customer rated badly) a message the bot cannot place is about that session: back to people.
  memory.notUnderstood = before.notUnderstood + 1;
  const previous = input.previousSession;
  const followUpWindow = (config as { followUpWindowMinutes?: number }).followUpWindowMinutes ?? 0;
  if (
    previous &&
    previous.minutesSinceClose <= followUpWindow &&
    (previous.hadHuman || previous.csat === 'dissatisfied') &&
    !u.smalltalk
  ) {
    return handoff('follow_up');
  }
  if (
    input.handoffWhenNotUnderstood ||
    (config.vipHandoffOnNotUnderstood &&
      (config.tierBonus as Record<string, number>)[input.customerTier ?? ''] !== undefined)
  ) {
    return handoff('vip');
  }
  if (memory.notUnderstood >= config.maxNotUnderstood) return handoff('low_confidence');
  return { decision: { kind: 'clarify', reply: config.replies.clarify }, memory };
}

// How hard a handoff is likely to be, from what is known when it happens: why the bot handed it
// over, how often the customer rejected its answers, whether the customer has been handed to people
// before, and the topic's skill. Routing sends complex conversations to senior agents; the score
// and its reasons are on the handoff card.
import type { HandoffReason } from './policy';

export interface ComplexityInput {
  reason: HandoffReason;
  rejections: number;
  /** Earlier sessions of this customer that reached a person (0 when unknown). */
  earlierHandoffs: number;
  skill?: string;
}

const REASON_WEIGHT: Record<HandoffReason, number> = {
  high_risk: 3,
  negative_sentiment: 2,
  follow_up: 2,
  answer_rejected: 1,
  repeated_question: 1,
  low_confidence: 1,
  vip: 1,
  customer_request: 0,
  agent_requested: 0,
  bot_unavailable: 0,
};

/** Skills whose questions usually need an expert (data: the skills of the demo KB). */
const EXPERT_SKILLS = new Set(['tech', 'aftersales']);

/** 0 (routine) to 5 (hard), with the reasons in Chinese for the card. */
export function complexityOf(input: ComplexityInput): { score: number; reasons: string[] } {
  const reasons: string[] = [];
  let score = REASON_WEIGHT[input.reason] ?? 0;
  if (score >= 2) reasons.push('转人工原因较严重');
  if (input.rejections > 0) {
    score += Math.min(input.rejections, 2);
    reasons.push(`客户否定了 ${input.rejections} 次回答`);
  }
  if (input.earlierHandoffs > 0) {
    score += 1;
    reasons.push('此前已转过人工');
  }
  if (input.skill && EXPERT_SKILLS.has(input.skill)) {
    score += 1;
    reasons.push('问题需要专业处理');
  }
  return { score: Math.min(score, 5), reasons };
}

/** From this score on, senior agents are preferred. */
export const COMPLEX = 3;

// Hit testing (命中测试): one question through the engine and the dialogue policy the bot runs, as a
// fresh conversation would ask it, with each candidate entry's lexical, semantic and fused scores
// and what the policy would do — so an editor sees an edit's effect before saving it.
import { decide, initialMemory, type PolicyConfig } from '../domain/policy';
import type { Understander } from './understander';

export interface HitTest {
  retrieval: 'hybrid' | 'lexical';
  candidates: {
    entryId: string;
    question: string;
    skill: string;
    lexical: number;
    semantic: number | null;
    fused: number | null;
    confidence: number;
  }[];
  decision: { kind: string; entryId?: string; reason?: string; reply?: string };
  detected: { humanRequest: boolean; negative: boolean; risk: boolean; smalltalk?: string };
}

export async function hitTest(understander: Understander, question: string, policy?: PolicyConfig): Promise<HitTest> {
  const u = await understander.understand(question);
  const { decision } = decide({ state: 'bot', understanding: u, memory: initialMemory(), config: policy });
  return {
    retrieval: u.retrieval ?? 'lexical',
    candidates: u.candidates.map((c) => ({
      entryId: c.entryId,
      question: understander.engine.questionOf(c.entryId) ?? '',
      skill: c.skill,
      lexical: c.lexicalConfidence ?? c.confidence,
      semantic: c.cosine ?? null,
      fused: c.probability ?? null,
      confidence: c.confidence,
    })),
    decision: {
      kind: decision.kind,
      ...(decision.kind === 'answer' ? { entryId: decision.entryId } : {}),
      ...(decision.kind === 'handoff' ? { reason: decision.reason } : {}),
      ...('reply' in decision ? { reply: decision.reply } : {}),
    },
    detected: {
      humanRequest: u.humanRequest,
      negative: u.sentiment.negative,
      risk: u.risk.high,
      ...(u.smalltalk ? { smalltalk: u.smalltalk } : {}),
    },
  };
}

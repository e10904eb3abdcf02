// Runs labelled cases (../shared/eval format) through the engine and the dialogue policy turn by
// turn, exactly as the conversation workflow does, and computes the figures we report.
import { decide, initialMemory, type PolicyDecision, type PolicyMemory } from '../../domain/policy';
import type { Understanding } from '../../domain/understanding';

/** What the evaluation asks for each customer turn: the worker's understanding (Understander) or the bare engine. */
export interface Understands {
  understand(message: string, recentCustomerTurns: string[]): Understanding | Promise<Understanding>;
}

export interface EvalCase {
  id: string;
  messages: string[];
  expect: string;
  note?: string;
}

export interface CaseResult {
  id: string;
  expect: string;
  got: string;
  pass: boolean;
  turns: string[];
}

export interface EvalReport {
  cases: number;
  accuracy: number;
  answerAccuracy: number;
  handoffRecall: Record<string, number>;
  falseHandoffRate: number;
  unknownWrongAnswerRate: number;
  multiTurnAccuracy: number;
  failures: CaseResult[];
}

function describe(decision: PolicyDecision): string {
  switch (decision.kind) {
    case 'answer':
      return `answer:${decision.entryId}`;
    case 'handoff':
      return `handoff:${decision.reason}`;
    case 'clarify':
      return 'unknown';
    default:
      return decision.kind;
  }
}

/** The outcome of one conversation: the first handoff ends it, as it does in the workflow. */
export async function runCase(engine: Understands, testCase: EvalCase, customerTier = 'normal'): Promise<CaseResult> {
  let state: 'bot' | 'confirming' = 'bot';
  let memory: PolicyMemory = initialMemory();
  let got = 'unknown';
  const turns: string[] = [];
  for (const message of testCase.messages) {
    const understanding = await engine.understand(message, memory.recentCustomerTurns);
    const result = decide({ state, understanding, memory, customerTier });
    memory = result.memory;
    got = describe(result.decision);
    turns.push(got);
    if (result.decision.kind === 'handoff' || result.decision.kind === 'resolved') break;
    state = result.decision.kind === 'answer' && result.decision.askConfirmation ? 'confirming' : 'bot';
  }
  return { id: testCase.id, expect: testCase.expect, got, pass: passes(testCase.expect, got), turns };
}

function passes(expect: string, got: string): boolean {
  if (expect === 'unknown')
    return (!got.startsWith('answer:') && !got.startsWith('handoff:')) || got === 'handoff:low_confidence';
  if (expect === 'resolved') return got === 'resolved' || (!got.startsWith('handoff:') && got !== 'unknown');
  return expect === got;
}

/** part/whole to four places; with no cases a success rate is 1 and an error rate 0 (nothing went wrong). */
const rate = (part: number, whole: number, ifNone = 1) =>
  whole === 0 ? ifNone : Math.round((part / whole) * 10_000) / 10_000;

export async function evaluate(engine: Understands, cases: EvalCase[]): Promise<EvalReport> {
  const results: CaseResult[] = [];
  for (const c of cases) results.push(await runCase(engine, c));
  const kind = (r: CaseResult) => r.expect.split(':')[0]!;
  const answers = results.filter((r) => kind(r) === 'answer');
  const noHandoffExpected = results.filter((r) => ['answer', 'smalltalk', 'resolved'].includes(kind(r)));
  const unknown = results.filter((r) => r.expect === 'unknown');
  const multiTurn = results.filter((r) => cases.find((c) => c.id === r.id)!.messages.length > 1);
  const handoffRecall: Record<string, number> = {};
  for (const reason of new Set(
    results.filter((r) => kind(r) === 'handoff').map((r) => r.expect.slice('handoff:'.length)),
  )) {
    const expected = results.filter((r) => r.expect === `handoff:${reason}`);
    handoffRecall[reason] = rate(expected.filter((r) => r.got === r.expect).length, expected.length);
  }
  return {
    cases: results.length,
    accuracy: rate(results.filter((r) => r.pass).length, results.length),
    answerAccuracy: rate(answers.filter((r) => r.pass).length, answers.length),
    handoffRecall,
    falseHandoffRate: rate(
      noHandoffExpected.filter((r) => r.got.startsWith('handoff:')).length,
      noHandoffExpected.length,
      0,
    ),
    unknownWrongAnswerRate: rate(unknown.filter((r) => r.got.startsWith('answer:')).length, unknown.length, 0),
    multiTurnAccuracy: rate(multiTurn.filter((r) => r.pass).length, multiTurn.length),
    failures: results.filter((r) => !r.pass),
  };
}

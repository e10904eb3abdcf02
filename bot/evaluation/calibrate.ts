// `npm run calibrate [-- --kb <kb.json>] [--write]`: learns the hybrid retrieval's fusion weights
// (bot/semantic/fusion.json) from the knowledge base alone, so no evaluation set shapes them:
// - each similar question asked with itself left out: its entry is right, every other proposed entry wrong;
// - each entry's questions asked with the whole entry left out: every proposed entry is wrong, which
//   is what a question the KB does not know looks like.
// It also finds the cosine past which two customer turns ask the same question (distinct KB
// questions rarely reach it), which the repeated-question rule reads.
// A logistic regression (Newton's method, a little L2) over the features of bot/semantic/fusion.ts.
// Then, on stderr, the trade-off the policy's answer bar on that probability makes, cross-validated
// by entry: held-out questions answered right and wrong, entry-out questions answered.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfigOrExit } from '../../config/env';
import { BotEngine, textForEmbedding } from '../engine';
import { loadKnowledgeBaseFile, type KnowledgeBase } from '../kb';
import { buildSemantics } from '../semantic/build';
import { embeddingsFrom } from '../semantic/embeddings';
import { FEATURES, type FusionWeights } from '../semantic/fusion';
import { decide, defaultPolicyConfig, initialMemory } from '../../domain/policy';
import { dot } from '../semantic/vectors';
import { embeddingsForEval } from './embeddingServer';

const L2 = 0.01;

function fit(rows: { x: number[]; y: number }[]): number[] {
  const n = FEATURES.length + 1;
  let w = new Array<number>(n).fill(0);
  for (let iteration = 0; iteration < 50; iteration++) {
    const gradient = w.map((wi) => L2 * wi);
    const hessian = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (__, j) => (i === j ? L2 : 0)));
    for (const { x, y } of rows) {
      const xb = [...x, 1];
      const p = 1 / (1 + Math.exp(-xb.reduce((z, v, i) => z + v * w[i]!, 0)));
      for (let i = 0; i < n; i++) {
        gradient[i]! += (p - y) * xb[i]!;
        for (let j = 0; j < n; j++) hessian[i]![j]! += p * (1 - p) * xb[i]! * xb[j]!;
      }
    }
    w = w.map((wi, i) => wi - solve(hessian, gradient)[i]!);
  }
  return w;
}

/** Gaussian elimination with partial pivoting (the system is small and positive definite). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r]![col]! / m[col]![col]!;
      for (let c = col; c <= n; c++) m[r]![c]! -= f * m[col]![c]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/** Share of pairs of questions from different entries allowed above the same-question line. */
const DISTINCT_ABOVE_LINE = 0.01;

/**
 * The cosine past which two customer texts ask the same question: the KB's questions of different
 * entries are different questions, and only DISTINCT_ABOVE_LINE of their pairs are nearer than it.
 */
async function sameQuestionLine(
  entries: KnowledgeBase['entries'],
  embed: (texts: string[], role: 'query' | 'passage') => Promise<Float32Array[]>,
): Promise<number> {
  const questions = entries.flatMap((entry) => [entry.question, ...entry.similar].map((q) => ({ entry, q })));
  const vectors = await embed(
    questions.map(({ q }) => textForEmbedding(q)),
    'query',
  );
  const cosines: number[] = [];
  for (let i = 0; i < questions.length; i++)
    for (let j = i + 1; j < questions.length; j++)
      if (questions[i]!.entry !== questions[j]!.entry) cosines.push(dot(vectors[i]!, 0, vectors[j]!));
  cosines.sort((a, b) => a - b);
  return cosines[Math.floor((1 - DISTINCT_ABOVE_LINE) * (cosines.length - 1))] ?? 1;
}

/** Folds of the cross-validation that shows the answer bar's trade-off (entries split among them). */
const FOLDS = 8;
/** Answer bars of the fused probability the trade-off table shows. */
const BARS = [0.6, 0.5, 0.45, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15, 0.1];

/** One calibration question: the KB it is asked against, and the entry that answers it (none: entry-out). */
interface Asked {
  kb: KnowledgeBase;
  question: string;
  right: string | undefined;
  fold: number;
  rows: { x: number[]; y: number }[];
}

/**
 * What the dialogue policy would do with each question under weights fitted without its entry's
 * fold, for each answer bar: held-out questions answered right or wrong, entry-out questions answered
 * at all (what an unknown question risks).
 */
async function tradeOff(
  asked: Asked[],
  engineFor: (kb: KnowledgeBase, fusion: FusionWeights) => Promise<BotEngine>,
  embed: (texts: string[], role: 'query' | 'passage') => Promise<Float32Array[]>,
): Promise<string[]> {
  const foldWeights = Array.from({ length: FOLDS }, (_, fold) => {
    const w = fit(asked.filter((a) => a.fold !== fold).flatMap((a) => a.rows));
    return { weights: w.slice(0, FEATURES.length), bias: w[FEATURES.length]! };
  });
  const counts = BARS.map(() => ({ right: 0, wrong: 0, unknownAnswered: 0 }));
  for (const a of asked) {
    const engine = await engineFor(a.kb, foldWeights[a.fold]!);
    const [vector] = await embed([textForEmbedding(a.question)], 'query');
    const understanding = engine.understand(a.question, [], vector);
    BARS.forEach((bar, i) => {
      const config = { ...defaultPolicyConfig, answerProbability: bar };
      const { decision } = decide({ state: 'bot', understanding, memory: initialMemory(), config });
      if (decision.kind !== 'answer') return;
      if (a.right === undefined) counts[i]!.unknownAnswered++;
      else if (decision.entryId === a.right) counts[i]!.right++;
      else counts[i]!.wrong++;
    });
  }
  const known = asked.filter((a) => a.right !== undefined).length;
  const unknown = asked.length - known;
  const pct = (x: number, of: number) => `${((100 * x) / Math.max(1, of)).toFixed(1)}%`.padStart(7);
  return [
    `answer bar (policy answerProbability, now ${defaultPolicyConfig.answerProbability}), ${FOLDS}-fold by entry:`,
    '   bar   held-out right   wrong   entry-out answered',
    ...BARS.map(
      (bar, i) =>
        `  ${bar.toFixed(2)}        ${pct(counts[i]!.right, known)}  ${pct(counts[i]!.wrong, known)}         ${pct(counts[i]!.unknownAnswered, unknown)}`,
    ),
  ];
}

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..');
  const kbArg = process.argv.indexOf('--kb');
  const kbFile = kbArg >= 0 ? process.argv[kbArg + 1]! : path.join(root, 'kb', 'demo-faq.json');
  const kb = loadKnowledgeBaseFile(kbFile);
  const config = loadConfigOrExit();
  const server = await embeddingsForEval(config);
  try {
    const { client, cache } = embeddingsFrom(server.settings)!;
    const embed = (texts: string[], role: 'query' | 'passage') => cache.vectorsFor(client, texts, role);
    const engineFor = async (k: KnowledgeBase, fusion?: FusionWeights) =>
      BotEngine.fromKnowledgeBase(k, { ...(await buildSemantics(k, embed)), ...(fusion ? { fusion } : {}) });
    const asked: Asked[] = [];
    const ask = async (k: KnowledgeBase, question: string, right: string | undefined, fold: number) => {
      const engine = await engineFor(k);
      const [vector] = await embed([textForEmbedding(question)], 'query');
      const rows = engine
        .fusionEvidence(question, vector!)
        .map(({ entryId, x }) => ({ x, y: entryId === right ? 1 : 0 }));
      asked.push({ kb: k, question, right, fold, rows });
    };
    const entries = kb.entries.filter((e) => e.enabled !== false);
    for (const [index, entry] of entries.entries()) {
      const fold = index % FOLDS;
      for (const [k, question] of entry.similar.entries()) {
        const without = entries.map((e) => (e === entry ? { ...e, similar: e.similar.filter((_, i) => i !== k) } : e));
        await ask({ ...kb, entries: without }, question, entry.id, fold);
      }
      const rest = { ...kb, entries: entries.filter((e) => e !== entry) };
      for (const question of [entry.question, ...entry.similar]) await ask(rest, question, undefined, fold);
    }
    const rows = asked.flatMap((a) => a.rows);
    const w = fit(rows);
    const sameQuestion = await sameQuestionLine(entries, embed);
    const round = (x: number) => Math.round(x * 1000) / 1000;
    const fusion = {
      _about:
        "Weights of the hybrid retrieval's logistic fusion (bot/semantic/fusion.ts, features in its FEATURES order), learned by `npm run calibrate` from the knowledge base alone: leave-one-out similar questions and entry-out questions; sameQuestion, the cosine past which two customer turns ask the same question (1% of pairs of distinct KB questions reach it). Refit when the embedding model or the KB's domain changes.",
      model: client.model,
      knowledgeBase: path.relative(root, path.resolve(kbFile)),
      rows: rows.length,
      weights: w.slice(0, FEATURES.length).map(round),
      bias: round(w[FEATURES.length]!),
      sameQuestion: round(sameQuestion),
    };
    process.stdout.write(`${JSON.stringify(fusion, null, 2)}\n`);
    if (process.argv.includes('--write'))
      fs.writeFileSync(path.join(root, 'bot', 'semantic', 'fusion.json'), `${JSON.stringify(fusion, null, 2)}\n`);
    process.stderr.write(`${(await tradeOff(asked, engineFor, embed)).join('\n')}\n`);
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`calibrate failed: ${(error as Error).message}\n`);
  process.exit(1);
});

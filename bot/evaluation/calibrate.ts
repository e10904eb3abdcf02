// `npm run calibrate [-- --kb <kb.json>] [--write]`: learns the hybrid retrieval's fusion weights
// (bot/semantic/fusion.json) from the knowledge base alone, so no evaluation set shapes them:
// - each similar question asked with itself left out: its entry is right, every other proposed entry wrong;
// - each entry's questions asked with the whole entry left out: every proposed entry is wrong, which
//   is what a question the KB does not know looks like.
// A logistic regression (Newton's method, a little L2) over the features of bot/semantic/fusion.ts.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfigOrExit } from '../../config/env';
import { BotEngine, textForEmbedding } from '../engine';
import { loadKnowledgeBaseFile, type KnowledgeBase } from '../kb';
import { buildSemantics } from '../semantic/build';
import { embeddingsFrom } from '../semantic/embeddings';
import { FEATURES } from '../semantic/fusion';
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
    const engineFor = async (k: KnowledgeBase) => BotEngine.fromKnowledgeBase(k, await buildSemantics(k, embed));
    const rows: { x: number[]; y: number }[] = [];
    const ask = async (engine: BotEngine, question: string, right: string | undefined) => {
      const [vector] = await embed([textForEmbedding(question)], 'query');
      for (const { entryId, x } of engine.fusionEvidence(question, vector!))
        rows.push({ x, y: entryId === right ? 1 : 0 });
    };
    const entries = kb.entries.filter((e) => e.enabled !== false);
    for (const entry of entries) {
      for (const [k, question] of entry.similar.entries()) {
        const without = entries.map((e) => (e === entry ? { ...e, similar: e.similar.filter((_, i) => i !== k) } : e));
        await ask(await engineFor({ ...kb, entries: without }), question, entry.id);
      }
      const rest = await engineFor({ ...kb, entries: entries.filter((e) => e !== entry) });
      for (const question of [entry.question, ...entry.similar]) await ask(rest, question, undefined);
    }
    const w = fit(rows);
    const round = (x: number) => Math.round(x * 1000) / 1000;
    const fusion = {
      _about:
        "Weights of the hybrid retrieval's logistic fusion (bot/semantic/fusion.ts, features in its FEATURES order), learned by `npm run calibrate` from the knowledge base alone: leave-one-out similar questions and entry-out questions. Refit when the embedding model or the KB's domain changes.",
      model: client.model,
      knowledgeBase: path.relative(root, path.resolve(kbFile)),
      rows: rows.length,
      weights: w.slice(0, FEATURES.length).map(round),
      bias: round(w[FEATURES.length]!),
    };
    process.stdout.write(`${JSON.stringify(fusion, null, 2)}\n`);
    if (process.argv.includes('--write'))
      fs.writeFileSync(path.join(root, 'bot', 'semantic', 'fusion.json'), `${JSON.stringify(fusion, null, 2)}\n`);
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`calibrate failed: ${(error as Error).message}\n`);
  process.exit(1);
});

// `npm run eval -- --kb <kb.json> --cases <cases.jsonl> [--json] [--no-embeddings]`: the bot's
// figures on labelled cases, through the same understanding as the worker (hybrid retrieval with
// the embedding server, which it starts when none is configured or running). Without --json a
// readable report and every failing case; with --json one JSON object as the last line.
// `--leave-one-out` instead asks each of the KB's similar questions with itself left out.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { loadConfigOrExit } from '../../config/env';
import { loadKnowledgeBaseFile, type KnowledgeBase } from '../kb';
import { embeddingsFrom } from '../semantic/embeddings';
import { Understander, type Embeddings } from '../understander';
import { embeddingsForEval } from './embeddingServer';
import { evaluate, type EvalCase } from './evaluate';
import { leaveOneOut } from './leaveOneOut';

const caseSchema = z.object({
  id: z.string(),
  messages: z.array(z.string()).min(1),
  expect: z.string(),
  note: z.string().optional(),
});

const usage =
  'usage: npm run eval -- [--kb <kb.json>] (--cases <cases.jsonl> | --leave-one-out) [--json] [--no-embeddings]';

function argument(name: string, fallback?: string): string {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? process.argv[index + 1] : fallback;
  if (!value) {
    process.stderr.write(`${usage}\nmissing --${name}\n`);
    process.exit(2);
  }
  return value;
}

function readCases(file: string): EvalCase[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line.length > 0)
    .map(({ line, number }) => {
      const parsed = caseSchema.safeParse(JSON.parse(line));
      if (!parsed.success)
        throw new Error(
          `${file}:${number}: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
        );
      return parsed.data;
    });
}

let warned = false;
/** The bot without embeddings answers lexically; so does the evaluation, saying so once. */
function warnLexical(why: string): undefined {
  if (!warned) process.stderr.write(`eval: no embeddings (${why}); measuring lexical retrieval\n`);
  warned = true;
  return undefined;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

async function runCases(kb: KnowledgeBase, embeddings: Embeddings | undefined, json: boolean): Promise<void> {
  const understander = await Understander.create(kb, embeddings);
  if (understander.semanticError) warnLexical(understander.semanticError);
  const report = await evaluate(understander, readCases(argument('cases')));
  const retrieval = understander.engine.semantics ? 'hybrid' : 'lexical';
  if (json) {
    process.stdout.write(`${JSON.stringify({ ...report, retrieval })}\n`);
    return;
  }
  const lines = [
    `retrieval                  ${retrieval}`,
    `cases                      ${report.cases}`,
    `overall accuracy           ${pct(report.accuracy)}`,
    `answer accuracy (top-1)    ${pct(report.answerAccuracy)}`,
    ...Object.entries(report.handoffRecall).map(
      ([reason, recall]) => `handoff recall ${reason.padEnd(20)} ${pct(recall)}`,
    ),
    `false handoffs             ${pct(report.falseHandoffRate)}`,
    `wrong answers on unknown   ${pct(report.unknownWrongAnswerRate)}`,
    `multi-turn accuracy        ${pct(report.multiTurnAccuracy)}`,
    '',
    report.failures.length === 0 ? 'no failing cases' : `failing cases (${report.failures.length}):`,
    ...report.failures.map((f) => `  ${f.id}: expected ${f.expect}, got ${f.got} (turns: ${f.turns.join(' → ')})`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function runLeaveOneOut(kb: KnowledgeBase, embeddings: Embeddings | undefined, json: boolean): Promise<void> {
  const report = await leaveOneOut(kb, async (without) => {
    const understander = await Understander.create(without, embeddings);
    if (understander.semanticError) warnLexical(understander.semanticError);
    return understander;
  });
  const retrieval = embeddings && !warned ? 'hybrid' : 'lexical';
  if (json) {
    process.stdout.write(`${JSON.stringify({ leaveOneOut: report, retrieval })}\n`);
    return;
  }
  const lines = [
    `retrieval                  ${retrieval}`,
    `held-out similar questions ${report.cases}`,
    `top-1                      ${pct(report.top1)}`,
    `answered right             ${pct(report.answered)}`,
    `answered wrong             ${pct(report.wrongAnswers)}`,
    '',
    `misses (${report.failures.length}):`,
    ...report.failures.map((f) => `  ${f.entryId}: "${f.question}" → ${f.got} (top ${f.top ?? 'none'})`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..');
  const kb = loadKnowledgeBaseFile(argument('kb', path.join(root, 'kb', 'demo-faq.json')));
  const json = process.argv.includes('--json');
  const config = loadConfigOrExit();
  const server = process.argv.includes('--no-embeddings')
    ? undefined
    : await embeddingsForEval(config).catch((error: unknown) => warnLexical((error as Error).message));
  try {
    const embeddings = server ? embeddingsFrom(server.settings, { cacheQueries: true }) : undefined;
    if (process.argv.includes('--leave-one-out')) await runLeaveOneOut(kb, embeddings, json);
    else await runCases(kb, embeddings, json);
  } finally {
    await server?.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`eval failed: ${(error as Error).message}\n`);
  process.exit(1);
});

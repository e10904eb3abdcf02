// `npm run eval -- --kb <kb.json> --cases <cases.jsonl> [--json]`: the bot's figures on labelled
// cases. Without --json a readable report and every failing case; with --json one JSON object as
// the last line.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { BotEngine } from '../engine';
import { loadKnowledgeBaseFile } from '../kb';
import { evaluate, type EvalCase } from './evaluate';

const caseSchema = z.object({
  id: z.string(),
  messages: z.array(z.string()).min(1),
  expect: z.string(),
  note: z.string().optional(),
});

function argument(name: string, fallback?: string): string {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? process.argv[index + 1] : fallback;
  if (!value) {
    process.stderr.write(`usage: npm run eval -- --kb <kb.json> --cases <cases.jsonl> [--json]\nmissing --${name}\n`);
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

const root = path.resolve(__dirname, '..', '..');
const kbFile = argument('kb', path.join(root, 'kb', 'demo-faq.json'));
const casesFile = argument('cases');
const engine = BotEngine.fromKnowledgeBase(loadKnowledgeBaseFile(kbFile));
const report = evaluate(engine, readCases(casesFile));

if (process.argv.includes('--json')) {
  process.stdout.write(`${JSON.stringify(report)}\n`);
} else {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const lines = [
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

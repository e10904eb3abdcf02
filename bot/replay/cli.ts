// `npm run replay -- --since <date> --policy <file> [--kb <file>] [--json] [--max <messages>]`:
// what-if replay over the conversations stored in MONGODB_URI since the date — the customer turns
// through today's policy and KB, and through the candidate policy (a policy.json, whole or only
// the keys that change) and/or candidate KB (the KB file format). With EMBEDDINGS_BASE_URL the
// engine is hybrid like the worker; without it lexical (said on stderr). --json: one JSON line.
import fs from 'node:fs';
import mongoose from 'mongoose';
import { defaultPolicyConfig, type PolicyConfig } from '../../domain/policy';
import { loadKnowledgeBaseFile, parseKnowledgeBase, type KnowledgeBase } from '../kb';
import { loadKnowledgeBaseFromMongo } from '../kbStore';
import { embeddingsFrom } from '../semantic/embeddings';
import { Understander } from '../understander';
import { replay } from './replay';
import { DEFAULT_MAX_MESSAGES, storedTurns } from './storedTurns';

const usage = 'usage: npm run replay -- --since <date> (--policy <file> | --kb <file>) [--json] [--max <messages>]';

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    return fail(`cannot read ${file}: ${(error as Error).message}`);
  }
}

async function main(): Promise<void> {
  const sinceText = option('since') ?? fail('missing --since');
  const since = new Date(sinceText);
  if (Number.isNaN(since.getTime())) fail(`--since ${sinceText} is not a date`);
  const policyFile = option('policy');
  const kbFile = option('kb');
  if (!policyFile && !kbFile) fail('give --policy or --kb (or both)');
  const candidatePolicy: PolicyConfig = policyFile
    ? { ...defaultPolicyConfig, ...(readJson(policyFile) as Partial<PolicyConfig>) }
    : defaultPolicyConfig;
  const max = Number(option('max') ?? DEFAULT_MAX_MESSAGES);

  const uri = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/customer_service';
  await mongoose.connect(uri, { serverSelectionTimeoutMS: 5000 });
  try {
    const started = performance.now();
    const baseFile = loadKnowledgeBaseFile(process.env.KB_FILE ?? 'kb/demo-faq.json');
    const currentKb = await loadKnowledgeBaseFromMongo(baseFile);
    const candidateKb: KnowledgeBase = kbFile ? parseKnowledgeBase(readJson(kbFile), kbFile) : currentKb;
    const embeddings = embeddingsFrom(
      process.env.EMBEDDINGS_BASE_URL
        ? {
            baseURL: process.env.EMBEDDINGS_BASE_URL,
            apiKey: process.env.EMBEDDINGS_API_KEY,
            model: process.env.EMBEDDINGS_MODEL ?? 'multilingual-e5-small',
            roles: (process.env.EMBEDDINGS_ROLES as 'input_type' | 'prefix' | 'none' | undefined) ?? 'input_type',
          }
        : undefined,
    );
    if (!embeddings) process.stderr.write('replay: no EMBEDDINGS_BASE_URL; replaying with lexical retrieval\n');
    const current = await Understander.create(currentKb, embeddings);
    const candidate = kbFile ? await Understander.create(candidateKb, embeddings) : current;
    const { turns, truncated } = await storedTurns(since, max);
    const report = await replay(
      turns,
      { understand: (t, r) => current.understand(t, r), policy: defaultPolicyConfig },
      { understand: (t, r) => candidate.understand(t, r), policy: candidatePolicy },
    );
    const result = {
      since: since.toISOString(),
      ...report,
      truncated,
      retrieval: current.engine.semantics ? 'hybrid' : 'lexical',
      seconds: Math.round(performance.now() - started) / 1000,
    };
    if (process.argv.includes('--json')) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return;
    }
    const line = (label: string, pair: { before: number; after: number }) =>
      `  ${label.padEnd(14)} ${String(pair.before).padStart(6)} → ${pair.after}`;
    process.stdout.write(
      [
        `what-if replay of ${result.conversations} conversations (${result.turns} customer turns since ${result.since}, ${result.retrieval})`,
        line('answers', report.answers),
        line('not understood', report.unknowns),
        line('handoffs', report.handoffs),
        ...Object.keys(report.handoffsByReason.before)
          .filter((r) => report.handoffsByReason.before[r] || report.handoffsByReason.after[r])
          .map((r) =>
            line(`  ${r}`, { before: report.handoffsByReason.before[r]!, after: report.handoffsByReason.after[r]! }),
          ),
        `${report.flipped.length} conversations flip:`,
        ...report.flipped.map(
          (f) =>
            `  ${f.conversationId}: ${f.before.answers.join(',') || '—'} → ${f.before.ending}  ⇒  ${f.after.answers.join(',') || '—'} → ${f.after.ending}`,
        ),
        truncated ? `(only the first ${max} messages; pass --max to read more)` : '',
      ].join('\n') + '\n',
    );
  } finally {
    await mongoose.disconnect();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`replay failed: ${(error as Error).message}\n`);
  process.exit(1);
});

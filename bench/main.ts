// `npm run bench`: throughput and latency of the product against the Temporal floor, on the full
// default stack as real processes on free ports (or a running stack given by flags), driven through
// the WeCom sandbox. A script that prints figures (a table, or one JSON line with --json); never a
// timed test. Phases: rates (step search, product and floor), modes (new / follow-up / mix at one
// rate), profile (workflow tasks, activities and MongoDB round trips per message), growth (latency
// with 0 / 10k / 100k stored messages), memory (worker memory per cached open conversation; last,
// because opening 10,000 conversations takes as long as the product needs for them).
//   npm run bench -- [--json] [--quick] [--only rates,modes,profile,memory,growth] [--backend sqlite]
//   npm run bench -- --sandbox-url URL --temporal-address HOST:PORT [--mongodb-uri URI]   (running stack)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import { z } from 'zod';
import { onShutdown } from '../dev/lifeline';
import { ensureStoreTools } from '../dev/store';
import { ensureTools } from '../dev/setup';
import { freePort } from '../dev/services';
import { DATA_DIR } from '../dev/tools';
import { kfInboxWorkflowId } from '../workflows/conversationContract';
import type { floorInboxWorkflow } from '../workflows/floor';
import { measureGrowth, type GrowthPoint } from './growth';
import { figures, type Figures } from './latency';
import { measureMemory, type MemoryPoint } from './memory';
import { startCommandCounter } from './mongoCounter';
import { profileTurns } from './profile';
import { stepSearch, type StepSearch } from './rates';
import { printReport } from './report';
import { startBenchStack, type BenchStack } from './stack';
import { runPhase } from './traffic';

const PHASES = ['rates', 'modes', 'profile', 'growth', 'memory'] as const;
type PhaseName = (typeof PHASES)[number];

const list = (text: string) => text.split(',').filter(Boolean).map(Number);
const flags = z.object({
  json: z.boolean().default(false),
  quick: z.boolean().default(false),
  only: z.string().optional(),
  backend: z.enum(['postgresql', 'sqlite']).default('postgresql'),
  rates: z.string().optional(),
  'step-seconds': z.coerce.number().positive().optional(),
  rate: z.coerce.number().positive().default(5),
  memory: z.string().optional(),
  growth: z.string().optional(),
  'growth-rate': z.coerce.number().positive().default(3),
  'memory-rate': z.coerce.number().positive().optional(),
  /** Node flags for the worker of the rates, modes and profile phases, e.g. `--inspect=127.0.0.1:9339` to profile it. */
  'worker-node-options': z.string().optional(),
  keep: z.boolean().default(false),
  /** The local embedding server, as `npm start` runs it; `--embeddings false`: lexical retrieval only. */
  embeddings: z
    .union([z.boolean(), z.enum(['true', 'false'])])
    .default(true)
    .transform((value) => value === true || value === 'true'),
  out: z.string().optional(),
  'sandbox-url': z.url().optional(),
  'temporal-address': z.string().optional(),
  'mongodb-uri': z.string().optional(),
  'task-queue': z.string().default('customer-service'),
});

function parseFlags(argv: string[]): z.infer<typeof flags> {
  const raw: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    // `--name=value` for a value that itself starts with `--` (--worker-node-options=--inspect=…).
    const [, name = '', inline] = /^--([^=]+)(?:=(.*))?$/s.exec(argv[i]!) ?? [];
    if (inline !== undefined) {
      raw[name] = inline;
      continue;
    }
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) raw[name] = true;
    else raw[name] = argv[++i]!;
  }
  const parsed = flags.strict().safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(
      `bad flag ${issue.path.join('.') || (issue as { keys?: string[] }).keys?.join(', ')}: ${issue.message}`,
    );
  }
  return parsed.data;
}

export interface BenchResult {
  machine: {
    cores: number;
    loadBefore: string;
    loadAfter: string;
    backend: string;
    retrieval: 'hybrid' | 'lexical';
    node: string;
  };
  floor?: { sustainedMsgPerS: number; p50Ms: number; p99Ms: number; atMsgPerS: number };
  product?: { sustainedMsgPerS: number; p50Ms: number; p99Ms: number; atMsgPerS: number };
  ratio?: number;
  steps?: StepSearch['steps'];
  cpuAtSaturation?: { target: string; ratePerS: number; cores: Record<string, number> };
  modes?: Record<string, Figures & { ratePerS: number }>;
  profile?: Awaited<ReturnType<typeof profileTurns>>;
  memoryPerConversationKb?: Record<string, number>;
  memory?: MemoryPoint[];
  floorHeapPerConversationKb?: number;
  floorMemoryPerConversationKb?: number;
  growth?: Record<string, number>;
  growthDetail?: GrowthPoint[];
  durationS: number;
}

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  const options = parseFlags(process.argv.slice(2));
  const started = Date.now();
  const only = new Set<PhaseName>((options.only?.split(',') ?? PHASES) as PhaseName[]);
  const quick = options.quick;
  const rates = options.rates ? list(options.rates) : [2, 4, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50];
  const stepMs = (options['step-seconds'] ?? (quick ? 8 : 15)) * 1000;
  const memoryCounts = options.memory ? list(options.memory) : quick ? [1000] : [1000, 10_000];
  const growthSizes = options.growth ? list(options.growth) : quick ? [0, 10_000] : [0, 10_000, 100_000];
  const progress = (line: string) => {
    // A live line on a terminal only; logs get the notes below.
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${line.slice(0, 150)}`);
  };
  const note = (line: string) => process.stderr.write(process.stderr.isTTY ? `\r\x1b[2K${line}\n` : `${line}\n`);
  const runId = Date.now().toString(36).slice(-5);
  const accounts = { product: `wkBench${runId}`, floor: `wkFloor${runId}`, profile: `wkProf${runId}` };
  const result: BenchResult = {
    machine: {
      cores: os.cpus().length,
      loadBefore: load(),
      loadAfter: '',
      backend: options.backend,
      retrieval: options.embeddings ? 'hybrid' : 'lexical',
      node: process.version,
    },
    durationS: 0,
  };

  const external = options['sandbox-url'] !== undefined;
  let stack: BenchStack | undefined;
  onShutdown((reason) => {
    interrupted = true;
    process.stderr.write(`\nbench interrupted (${reason}); stopping the stack\n`);
    void (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });
  const dir = path.join(DATA_DIR, `bench-${runId}`);
  let sandboxUrl: string;
  let temporalAddress: string;
  if (external) {
    if (!options['temporal-address']) throw new Error('--sandbox-url needs --temporal-address as well');
    sandboxUrl = options['sandbox-url']!;
    temporalAddress = options['temporal-address'];
    for (const phase of ['profile', 'memory'] as const) only.delete(phase);
    if (!options['mongodb-uri']) only.delete('growth');
  } else {
    await ensureTools();
    await ensureStoreTools(options.backend);
    note(
      `▸ starting the stack (FerretDB on ${options.backend}, Temporal on SQLite, ${options.embeddings ? 'the local embedding server' : 'no embeddings: lexical retrieval'}) in ${path.relative(process.cwd(), dir)}`,
    );
    stack = await startBenchStack(dir, options.backend, { embeddings: options.embeddings });
    await stack.startApp({
      database: 'bench_rates',
      ...(options['worker-node-options'] ? { workerNodeOptions: options['worker-node-options'] } : {}),
    });
    sandboxUrl = stack.sandboxUrl;
    temporalAddress = stack.temporalAddress;
  }
  const client = new Client({ connection: await Connection.connect({ address: temporalAddress }) });
  const control = async (route: string, body: unknown) => {
    const res = await fetch(`${sandboxUrl}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`sandbox ${route}: ${res.status} ${await res.text()}`);
  };
  for (const openKfId of Object.values(accounts)) await control('/sandbox/accounts', { openKfId });
  // The floor answers its account's callbacks: started under the inbox's id, it receives the
  // api's signal-with-start as a signal.
  await client.workflow.start<typeof floorInboxWorkflow>('floorInboxWorkflow', {
    workflowId: kfInboxWorkflowId(accounts.floor),
    taskQueue: options['task-queue'],
    args: [{ openKfId: accounts.floor }],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
  });
  const pids = () => stack?.pids() ?? {};
  // After each phase, what is known so far: a long run that is stopped keeps its figures.
  const saveSoFar = () => {
    if (options.out) fs.writeFileSync(options.out, `${JSON.stringify(result)}\n`);
  };

  try {
    if (only.has('rates')) {
      note(`▸ rates: step search over ${rates.join(', ')} msg/s of new conversations, ${stepMs / 1000} s per step`);
      const search = await stepSearch({
        sandboxUrl,
        accounts,
        rates,
        stepMs,
        drainMs: 10_000,
        runId,
        pids,
        onProgress: (line) => (line.includes(': p50') ? note(`  ${line}`) : progress(line)),
      });
      result.steps = search.steps;
      const at = (target: 'product' | 'floor', rate: number) =>
        search.steps.find((s) => s.target === target && s.ratePerS === rate);
      const reference = 10; // the target's rate: p99 under 250 ms at 10 msg/s of new conversations
      for (const target of ['product', 'floor'] as const) {
        const ref = at(target, reference) ?? search.steps.filter((s) => s.target === target).at(-1)!;
        result[target] = {
          sustainedMsgPerS: search.sustained[target],
          p50Ms: ref.p50Ms,
          p99Ms: ref.p99Ms,
          atMsgPerS: ref.ratePerS,
        };
      }
      result.ratio =
        search.sustained.floor > 0 ? Number((search.sustained.product / search.sustained.floor).toFixed(2)) : 0;
      const saturated =
        search.steps.find((s) => s.target === 'product' && s.p99Ms >= 1000) ??
        search.steps.filter((s) => s.target === 'product').at(-1);
      if (saturated)
        result.cpuAtSaturation = { target: 'product', ratePerS: saturated.ratePerS, cores: saturated.cores };
    }

    saveSoFar();
    if (only.has('modes')) {
      note(`▸ modes: new conversations, follow-ups and a mix at ${options.rate} msg/s`);
      const durationMs = quick ? 10_000 : 20_000;
      const pool = Array.from({ length: Math.max(20, options.rate * 5) }, (_, i) => `${runId}pool${i}`);
      await runPhase({
        sandboxUrl,
        openKfId: accounts.product,
        ratePerS: options.rate,
        durationMs: (pool.length * 1000) / options.rate,
        drainMs: 60_000,
        customer: (i) => pool[i]!,
        onProgress: (line) => progress(`modes: opening the follow-up pool, ${line}`),
      });
      result.modes = {};
      const customers: Record<string, (i: number) => string> = {
        new: (i) => `${runId}new${i}`,
        follow: (i) => pool[i % pool.length]!,
        mix: (i) => (i % 2 === 0 ? `${runId}mix${i}` : pool[i % pool.length]!),
      };
      for (const [mode, customer] of Object.entries(customers)) {
        const phase = await runPhase({
          sandboxUrl,
          openKfId: accounts.product,
          ratePerS: options.rate,
          durationMs,
          drainMs: 20_000,
          customer,
          onProgress: (line) => progress(`modes ${mode}: ${line}`),
        });
        result.modes[mode] = { ratePerS: options.rate, ...figures(phase.messages) };
        note(
          `  ${mode} at ${options.rate} msg/s: p50 ${result.modes[mode]!.p50Ms} ms, p99 ${result.modes[mode]!.p99Ms} ms`,
        );
      }
    }

    saveSoFar();
    if (only.has('profile') && stack) {
      note('▸ profile: one message → one answer, counted (histories, MongoDB round trips)');
      const [host, port] = stack.mongoBase.replace('mongodb://', '').split(':');
      const counter = await startCommandCounter(host!, Number(port));
      try {
        await stack.startApp({ database: 'bench_profile', mongoHost: counter.host });
        result.profile = await profileTurns({
          client,
          sandboxUrl,
          openKfId: accounts.profile,
          counter,
          customers: quick ? 10 : 20,
          ratePerS: 2,
          runId,
          onProgress: progress,
        });
        note(`  profile: ${JSON.stringify(result.profile.first.activitiesPerMessage)}`);
      } finally {
        await stack.stopApp();
        await counter.close();
      }
    }

    saveSoFar();
    if (only.has('growth')) {
      note(
        `▸ growth: ${options['growth-rate']} msg/s of new conversations with ${growthSizes.join(' / ')} stored messages`,
      );
      let mongoUri = options['mongodb-uri'];
      if (stack) {
        await stack.startApp({ database: 'bench_growth' });
        mongoUri = `${stack.mongoBase}/bench_growth`;
      }
      result.growthDetail = await measureGrowth({
        sandboxUrl,
        openKfId: accounts.product,
        mongoUri: mongoUri!,
        sizes: growthSizes,
        ratePerS: options['growth-rate'],
        durationMs: quick ? 10_000 : 20_000,
        runId,
        onProgress: (line) => (line.includes(': p50') ? note(`  ${line}`) : progress(line)),
      });
      result.growth = Object.fromEntries(result.growthDetail.map((p) => [String(p.storedMessages), p.p99Ms]));
    }
    saveSoFar();
    if (only.has('memory') && stack) {
      const largest = Math.max(...memoryCounts);
      note(`▸ memory: worker RSS per cached open conversation at ${memoryCounts.join(', ')} open conversations`);
      // The inspector lets the phase collect the worker's garbage before each reading (bench/heap.ts).
      const inspectorPort = await freePort();
      await stack.startApp({
        database: 'bench_memory',
        env: { WORKER_MAX_CACHED_WORKFLOWS: String(largest + Math.min(...memoryCounts) + 1000) },
        workerNodeOptions: `--max-old-space-size=16384 --inspect=127.0.0.1:${inspectorPort}`,
      });
      const openRate = options['memory-rate'] ?? Math.max(2, Math.floor((result.product?.sustainedMsgPerS ?? 5) * 0.8));
      const measured = await measureMemory({
        sandboxUrl,
        openKfId: accounts.product,
        floorKfId: accounts.floor,
        floorCount: Math.min(...memoryCounts),
        counts: memoryCounts,
        ratePerS: openRate,
        workerPid: () => stack!.pids().worker!,
        inspectorPort,
        metricsUrl: stack.workerMetricsUrl,
        apiMetricsUrl: `${stack.apiUrl}/metrics`,
        runId,
        onProgress: (line) => (line.startsWith('memory:') ? note(`  ${line}`) : progress(line)),
        onFigure: (floorKb, points) => {
          result.floorMemoryPerConversationKb = floorKb;
          result.memory = points;
          result.memoryPerConversationKb = Object.fromEntries(
            points.map((p) => [String(p.openConversations), p.kbPerConversation]),
          );
          saveSoFar();
        },
      });
      result.memory = measured.points;
      result.floorMemoryPerConversationKb = measured.floorKbPerConversation;
      if (measured.floorHeapKbPerConversation !== undefined)
        result.floorHeapPerConversationKb = measured.floorHeapKbPerConversation;
      result.memoryPerConversationKb = Object.fromEntries(
        result.memory.map((p) => [String(p.openConversations), p.kbPerConversation]),
      );
    }
  } finally {
    await client.connection.close();
    await stack?.stop();
    if (stack && !options.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
  result.machine.loadAfter = load();
  result.durationS = Math.round((Date.now() - started) / 1000);
  saveSoFar();
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
  if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else printReport(result);
}

/** Set on SIGINT/SIGTERM: the phase that fails because of it must not exit before the stack stops. */
let interrupted = false;

main().then(
  () => process.exit(0),
  (error: unknown) => {
    if (interrupted) return;
    process.stderr.write(`\nbench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);

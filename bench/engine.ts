// `npm run bench:engine [-- --json]`: per-message latency of the understanding as the worker runs
// it (one embedding call, then hybrid retrieval and the detectors) over the demo KB and over a
// generated 10,000-entry KB: p50/p99 of the whole turn, of the embedding call alone and of the
// engine alone (exact vector search included), and the index build time. Uses the configured
// embedding server, the local one, or starts its own (the 10,000 entries' vectors are computed
// once, then read from .data/embeddings). A script that prints figures, not a test.
import path from 'node:path';
import { BotEngine, textForEmbedding } from '../bot/engine';
import { embeddingsForEval } from '../bot/evaluation/embeddingServer';
import { loadKnowledgeBaseFile, type KnowledgeBase } from '../bot/kb';
import { buildSemantics } from '../bot/semantic/build';
import { embeddingsFrom } from '../bot/semantic/embeddings';
import type { Embeddings } from '../bot/understander';
import { loadConfigOrExit } from '../config/env';

const root = path.resolve(__dirname, '..');
const demo = loadKnowledgeBaseFile(path.join(root, 'kb', 'demo-faq.json'));

/** Deterministic pseudo-random numbers, so every run measures the same KB and messages. */
function random(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

const products = [
  '智能门锁',
  '摄像头',
  '扫地机',
  '空气净化器',
  '智能音箱',
  '网关',
  '门铃',
  '窗帘电机',
  '灯泡',
  '插座',
  '温控器',
  '烟雾报警器',
  '水浸传感器',
  '晾衣架',
  '体脂秤',
];
const aspects = [
  '安装',
  '保修',
  '配网',
  '固件',
  '电池',
  '退货',
  '换货',
  '发票',
  '运费',
  '维修',
  '兼容',
  '说明书',
  '配件',
  '价格',
  '颜色',
  '尺寸',
  '噪音',
  '耗电',
  '报警',
  '录像',
];
const forms = [
  '{p}的{a}怎么处理？',
  '{p}{a}有什么要求？',
  '请问{p}支持{a}吗',
  '{p}{a}出问题了怎么办',
  '{a}{p}需要多久',
];

/**
 * 10,000 entries worded from a pool of a few thousand phrasings (product × aspect × form, four
 * model series): the search costs the same as over unique wordings, and the pool's vectors are
 * computed in about a minute once instead of an hour.
 */
function generatedKb(size: number): KnowledgeBase {
  const next = random(42);
  const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)]!;
  const entries = Array.from({ length: size }, (_, i) => {
    const p = pick(products);
    const a = pick(aspects);
    const fill = (form: string) => form.replace('{p}', p).replace('{a}', a);
    return {
      id: `gen-${i}`,
      skill: pick(Object.keys(demo.skills)),
      question: fill(pick(forms)),
      similar: [fill(pick(forms)), fill(pick(forms)), `${p}型号${1000 + (i % 4)}${a}`],
      answer: `关于${p}的${a}：请参考说明书第${(i % 3) + 1}页，或联系客服。`,
      enabled: true,
    };
  });
  return { name: 'generated', skills: demo.skills, entries: [...demo.entries, ...entries] };
}

const messages = [
  ...demo.entries.flatMap((e) => [e.question, ...e.similar]),
  '我买的东西不想要了，怎么退',
  '门锁把我孩子的手夹伤了',
  '转人工',
  '今天天气怎么样',
  '摄像头连不上wifi',
  '你们这什么破服务，等了一个星期还没发货',
  'how do I connect it to wifi',
  '智能门锁型号1234的保修多久',
  '那摄像头呢',
  '扫地机噪音太大了怎么办',
  '😀😀 你好',
  'x'.repeat(2000),
];

const round3 = (x: number) => Math.round(x * 1000) / 1000;

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50Ms: round3(at(0.5)), p99Ms: round3(at(0.99)) };
}

async function measure(name: string, kb: KnowledgeBase, rounds: number, embeddings: Embeddings) {
  const { client, cache } = embeddings;
  const embed = (texts: string[], role: 'query' | 'passage') => cache.vectorsFor(client, texts, role);
  let started = process.hrtime.bigint();
  await buildSemantics(kb, embed); // computes (once) and caches the vectors: not part of the build time
  started = process.hrtime.bigint();
  const engine = BotEngine.fromKnowledgeBase(kb, await buildSemantics(kb, embed));
  const buildMs = Number(process.hrtime.bigint() - started) / 1e6;
  // The worker keeps the previous turns' vectors in memory (bot/understander.ts).
  const recentTurns = ['退款多久到账', '怎么查物流'];
  const recentVectors = await client.embed(recentTurns.map(textForEmbedding), 'query');
  // They were this conversation's turns: the worker understood each with its vector in its turn.
  recentTurns.forEach((turn, i) =>
    engine.understand(turn, recentTurns.slice(0, i), recentVectors[i], recentVectors.slice(0, i)),
  );
  const turn = async (message: string, recent: string[]) => {
    const t0 = process.hrtime.bigint();
    // The same call the worker makes per turn (no cache for customer messages).
    const [vector] = await client.embed([textForEmbedding(message)], 'query');
    const t1 = process.hrtime.bigint();
    engine.understand(message, recent, vector, recent === recentTurns ? recentVectors : []);
    const t2 = process.hrtime.bigint();
    return { total: Number(t2 - t0) / 1e6, embedding: Number(t1 - t0) / 1e6, engine: Number(t2 - t1) / 1e6 };
  };
  for (const message of messages.slice(0, 20)) await turn(message, ['上一句话']); // warm-up
  const total: number[] = [];
  const embedding: number[] = [];
  const engineOnly: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const message of messages) {
      const t = await turn(message, recentTurns);
      total.push(t.total);
      embedding.push(t.embedding);
      engineOnly.push(t.engine);
    }
  }
  return {
    name,
    entries: kb.entries.length,
    messages: total.length,
    ...percentiles(total),
    embedding: percentiles(embedding),
    engine: percentiles(engineOnly),
    buildMs: Math.round(buildMs),
  };
}

async function main(): Promise<void> {
  const server = await embeddingsForEval(loadConfigOrExit());
  try {
    const embeddings = embeddingsFrom(server.settings)!;
    const demoResult = await measure('demo', demo, 3, embeddings);
    const largeResult = await measure('large', generatedKb(10_000 - demo.entries.length), 3, embeddings);
    if (process.argv.includes('--json')) {
      const pick = ({ p50Ms, p99Ms, buildMs, embedding, engine }: typeof demoResult) => ({
        p50Ms,
        p99Ms,
        buildMs,
        embeddingMs: embedding,
        engineMs: engine,
      });
      process.stdout.write(
        `${JSON.stringify({ demo: pick(demoResult), large: { entries: largeResult.entries, ...pick(largeResult) } })}\n`,
      );
    } else {
      for (const r of [demoResult, largeResult]) {
        process.stdout.write(
          `${r.name.padEnd(6)} ${String(r.entries).padStart(6)} entries  ${r.messages} turns  ` +
            `p50 ${r.p50Ms} ms  p99 ${r.p99Ms} ms  (embedding p50 ${r.embedding.p50Ms} / p99 ${r.embedding.p99Ms} ms, ` +
            `engine p50 ${r.engine.p50Ms} / p99 ${r.engine.p99Ms} ms)  index build ${r.buildMs} ms\n`,
        );
      }
    }
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).message}\n`);
  process.exit(1);
});

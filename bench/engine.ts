// `npm run bench:engine [-- --json]`: per-message latency of the understanding engine over the demo
// KB and over a generated 10,000-entry KB (p50/p99 and index build time). A script that prints
// figures, not a test.
import path from 'node:path';
import { BotEngine } from '../bot/engine';
import { loadKnowledgeBaseFile, type KnowledgeBase } from '../bot/kb';

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
      question: `${fill(pick(forms))}（型号${1000 + i}）`,
      similar: [fill(pick(forms)), fill(pick(forms)), `${p}型号${1000 + i}${a}`],
      answer: `关于${p}型号${1000 + i}的${a}：请参考说明书第${(i % 40) + 1}页，或联系客服。`,
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
  '扫地机噪音太大了怎么办',
  '😀😀 你好',
  'x'.repeat(2000),
];

function measure(name: string, kb: KnowledgeBase, rounds: number) {
  const started = process.hrtime.bigint();
  const engine = BotEngine.fromKnowledgeBase(kb);
  const buildMs = Number(process.hrtime.bigint() - started) / 1e6;
  for (const message of messages) engine.understand(message, ['上一句话']); // warm-up
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const message of messages) {
      const t0 = process.hrtime.bigint();
      engine.understand(message, ['退款多久到账', '怎么查物流']);
      samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  const round3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    name,
    entries: kb.entries.length,
    messages: samples.length,
    p50Ms: round3(at(0.5)),
    p99Ms: round3(at(0.99)),
    buildMs: Math.round(buildMs),
  };
}

const demoResult = measure('demo', demo, 50);
const largeResult = measure('large', generatedKb(10_000 - demo.entries.length), 10);
if (process.argv.includes('--json')) {
  const { p50Ms, p99Ms, buildMs } = demoResult;
  process.stdout.write(
    `${JSON.stringify({ demo: { p50Ms, p99Ms, buildMs }, large: { entries: largeResult.entries, p50Ms: largeResult.p50Ms, p99Ms: largeResult.p99Ms, buildMs: largeResult.buildMs } })}\n`,
  );
} else {
  for (const r of [demoResult, largeResult]) {
    process.stdout.write(
      `${r.name.padEnd(6)} ${String(r.entries).padStart(6)} entries  ${r.messages} messages  p50 ${r.p50Ms} ms  p99 ${r.p99Ms} ms  index build ${r.buildMs} ms\n`,
    );
  }
}

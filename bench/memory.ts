// Worker memory per cached open conversation: a fresh worker whose cache can hold them all, a
// baseline after a warm-up, then conversations opened through the product's own path (each
// customer writes once and is answered; the conversation stays open) until each count is reached.
// Resident memory delta ÷ conversations, with the worker's own cache size read from its metrics.
import { rssBytes } from './procStats';
import { collectGarbage, totalHeap } from './heap';
import { openConversations } from './traffic';

export interface MemoryPoint {
  openConversations: number;
  rssMb: number;
  /** The worker's JS heaps in use after a full collection (with the inspector), MB: every thread's. */
  heapMb?: number;
  /** Of which in the workflow threads' isolates, MB. */
  workflowHeapMb?: number;
  /** Of which per conversation: (heap − the baseline's heap) ÷ conversations. */
  heapKbPerConversation?: number;
  /** The isolates' heaps as V8 holds them from the system (in use and free pages), MB. */
  heapCommittedMb?: number;
  /** Of which per conversation, KB. */
  heapCommittedKbPerConversation?: number;
  /** What the isolates' objects hold outside their heaps (ArrayBuffers…), per conversation, KB. */
  externalKbPerConversation?: number;
  cachedWorkflows: number | undefined;
  kbPerConversation: number;
  /** How long the api's /metrics took with this many open conversations. */
  metricsScrapeMs: number;
}

async function cachedWorkflows(metricsUrl: string): Promise<number | undefined> {
  const text = await fetch(metricsUrl).then(
    (res) => res.text(),
    () => '',
  );
  const line = text.split('\n').find((l) => /^temporal_sticky_cache_size\b/.test(l));
  return line ? Number(line.split(' ').pop()) : undefined;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5000));

/** The worker's JS memory after a full collection: every isolate's heap in use and as V8 holds it, and what lies outside. */
interface JsMemory {
  heap: number;
  /** Of which in the workflow threads. */
  workflowHeap: number;
  committed: number;
  external: number;
}

/** The worker's resident memory (and JS memory) once its garbage is collected, when it can be. */
async function reading(pid: number, inspectorPort: number | undefined): Promise<{ rss: number; js?: JsMemory }> {
  await settle();
  const heap = inspectorPort === undefined ? undefined : await collectGarbage(inspectorPort);
  if (heap === undefined) return { rss: rssBytes(pid) };
  const total = totalHeap(heap);
  return {
    rss: rssBytes(pid),
    js: { heap: total, workflowHeap: total - heap.main, committed: heap.committed, external: heap.external },
  };
}

export async function measureMemory(options: {
  sandboxUrl: string;
  openKfId: string;
  /** The floor's account: its echo workflows, measured first, show the SDK's own cost per workflow. */
  floorKfId: string;
  floorCount: number;
  counts: number[];
  ratePerS: number;
  workerPid: () => number;
  /** The worker's inspector port: readings after a full garbage collection. */
  inspectorPort?: number;
  metricsUrl: string;
  apiMetricsUrl: string;
  runId: string;
  onProgress(line: string): void;
  /** Each figure as soon as it is known (a long run may be stopped before the last). */
  onFigure?(floorKbPerConversation: number, points: MemoryPoint[]): void;
}): Promise<{ floorKbPerConversation: number; floorHeapKbPerConversation?: number; points: MemoryPoint[] }> {
  const customer = (i: number) => `${options.runId}mem${i}`;
  const warmUp = Array.from({ length: 20 }, (_, i) => `${options.runId}warm${i}`);
  await openConversations(options.sandboxUrl, options.openKfId, warmUp, 5, options.onProgress);
  await openConversations(options.sandboxUrl, options.floorKfId, warmUp, 5, options.onProgress);
  const before = await reading(options.workerPid(), options.inspectorPort);
  const floorCustomers = Array.from({ length: options.floorCount }, (_, i) => `${options.runId}fmem${i}`);
  await openConversations(options.sandboxUrl, options.floorKfId, floorCustomers, 15, (line) =>
    options.onProgress(`memory, floor → ${options.floorCount}: ${line}`),
  );
  const base = await reading(options.workerPid(), options.inspectorPort);
  const floorKbPerConversation = Math.round((base.rss - before.rss) / 1024 / options.floorCount);
  const floorHeapKb =
    base.js === undefined || before.js === undefined
      ? undefined
      : Math.round((base.js.heap - before.js.heap) / 1024 / options.floorCount);
  options.onProgress(
    `memory: floor, ${options.floorCount} open echo workflows: ${floorKbPerConversation} KB each` +
      (floorHeapKb === undefined ? '' : ` (JS heap ${floorHeapKb} KB each after a full collection)`),
  );
  const points: MemoryPoint[] = [];
  options.onFigure?.(floorKbPerConversation, points);
  let open = 0;
  for (const count of options.counts) {
    const customers = Array.from({ length: count - open }, (_, i) => customer(open + i));
    const opened = await openConversations(options.sandboxUrl, options.openKfId, customers, options.ratePerS, (line) =>
      options.onProgress(`memory → ${count}: ${line}`),
    );
    open = count;
    const { rss, js } = await reading(options.workerPid(), options.inspectorPort);
    const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
    const kbEach = (bytes: number) => Math.round(bytes / 1024 / count);
    const scrapeStarted = Date.now();
    await fetch(options.apiMetricsUrl).then((res) => res.text());
    points.push({
      metricsScrapeMs: Date.now() - scrapeStarted,
      openConversations: count,
      rssMb: mb(rss),
      cachedWorkflows: await cachedWorkflows(options.metricsUrl),
      kbPerConversation: kbEach(rss - base.rss),
      ...(js === undefined || base.js === undefined
        ? {}
        : {
            heapMb: mb(js.heap),
            workflowHeapMb: mb(js.workflowHeap),
            heapKbPerConversation: kbEach(js.heap - base.js.heap),
            heapCommittedMb: mb(js.committed),
            heapCommittedKbPerConversation: kbEach(js.committed - base.js.committed),
            externalKbPerConversation: kbEach(js.external - base.js.external),
          }),
    });
    options.onFigure?.(floorKbPerConversation, points);
    options.onProgress(
      `memory: ${count} open (${opened.answered}/${opened.offered} answered), worker RSS ${mb(rss)} MB` +
        (js === undefined
          ? ''
          : `, JS heaps ${mb(js.heap)} MB after a full collection (workflow threads ${mb(js.workflowHeap)} MB;` +
            ` ${mb(js.committed)} MB held by V8, ${mb(js.external)} MB outside)`),
    );
  }
  return {
    floorKbPerConversation,
    ...(floorHeapKb === undefined ? {} : { floorHeapKbPerConversation: floorHeapKb }),
    points,
  };
}

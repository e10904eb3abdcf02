// Worker memory per cached open conversation: a fresh worker whose cache can hold them all, a
// baseline after a warm-up, then conversations opened through the product's own path (each
// customer writes once and is answered; the conversation stays open) until each count is reached.
// Resident memory delta ÷ conversations, with the worker's own cache size read from its metrics.
import { rssBytes } from './procStats';
import { openConversations } from './traffic';

export interface MemoryPoint {
  openConversations: number;
  rssMb: number;
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

export async function measureMemory(options: {
  sandboxUrl: string;
  openKfId: string;
  /** The floor's account: its echo workflows, measured first, show the SDK's own cost per workflow. */
  floorKfId: string;
  floorCount: number;
  counts: number[];
  ratePerS: number;
  workerPid: () => number;
  metricsUrl: string;
  apiMetricsUrl: string;
  runId: string;
  onProgress(line: string): void;
  /** Each figure as soon as it is known (a long run may be stopped before the last). */
  onFigure?(floorKbPerConversation: number, points: MemoryPoint[]): void;
}): Promise<{ floorKbPerConversation: number; points: MemoryPoint[] }> {
  const customer = (i: number) => `${options.runId}mem${i}`;
  const warmUp = Array.from({ length: 20 }, (_, i) => `${options.runId}warm${i}`);
  await openConversations(options.sandboxUrl, options.openKfId, warmUp, 5, options.onProgress);
  await openConversations(options.sandboxUrl, options.floorKfId, warmUp, 5, options.onProgress);
  await settle();
  const beforeFloor = rssBytes(options.workerPid());
  const floorCustomers = Array.from({ length: options.floorCount }, (_, i) => `${options.runId}fmem${i}`);
  await openConversations(options.sandboxUrl, options.floorKfId, floorCustomers, 15, (line) =>
    options.onProgress(`memory, floor → ${options.floorCount}: ${line}`),
  );
  await settle();
  const baseline = rssBytes(options.workerPid());
  const floorKbPerConversation = Math.round((baseline - beforeFloor) / 1024 / options.floorCount);
  options.onProgress(`memory: floor, ${options.floorCount} open echo workflows: ${floorKbPerConversation} KB each`);
  const points: MemoryPoint[] = [];
  options.onFigure?.(floorKbPerConversation, points);
  let open = 0;
  for (const count of options.counts) {
    const customers = Array.from({ length: count - open }, (_, i) => customer(open + i));
    const opened = await openConversations(options.sandboxUrl, options.openKfId, customers, options.ratePerS, (line) =>
      options.onProgress(`memory → ${count}: ${line}`),
    );
    open = count;
    await settle();
    const rss = rssBytes(options.workerPid());
    const scrapeStarted = Date.now();
    await fetch(options.apiMetricsUrl).then((res) => res.text());
    points.push({
      metricsScrapeMs: Date.now() - scrapeStarted,
      openConversations: count,
      rssMb: Math.round(rss / 2 ** 20),
      cachedWorkflows: await cachedWorkflows(options.metricsUrl),
      kbPerConversation: Math.round((rss - baseline) / 1024 / count),
    });
    options.onFigure?.(floorKbPerConversation, points);
    options.onProgress(
      `memory: ${count} open (${opened.answered}/${opened.offered} answered), worker RSS ${Math.round(rss / 2 ** 20)} MB`,
    );
  }
  return { floorKbPerConversation, points };
}

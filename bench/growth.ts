// Per-message latency as stored data grows: the same fixed rate of new conversations with the
// store pre-filled to each size (messages with their customers, closed conversations and events,
// inserted directly in bulk), so the figures show what each look-up on a growing collection costs.
// The app starts on a fresh database for this phase: an unmeasured warm-up first (20 conversations,
// as the rates phase does), so the empty step measures an empty store, not a cold worker (the
// models' first use creates the collections and their indexes, connections open, code compiles).
import mongoose from 'mongoose';
import type { Figures } from './latency';
import { prefill } from './prefill';
import { runPhase } from './traffic';

export interface GrowthPoint extends Figures {
  storedMessages: number;
}

export async function measureGrowth(options: {
  sandboxUrl: string;
  openKfId: string;
  mongoUri: string;
  sizes: number[];
  ratePerS: number;
  durationMs: number;
  runId: string;
  onProgress(line: string): void;
}): Promise<GrowthPoint[]> {
  const connection = await mongoose.connect(options.mongoUri, { serverSelectionTimeoutMS: 10_000 });
  const points: GrowthPoint[] = [];
  try {
    await runPhase({
      sandboxUrl: options.sandboxUrl,
      openKfId: options.openKfId,
      ratePerS: 2,
      durationMs: 10_000,
      drainMs: 20_000,
      customer: (i) => `${options.runId}gwarm${i}`,
      onProgress: (line) => options.onProgress(`growth warm-up: ${line}`),
    });
    for (const size of options.sizes) {
      await prefill(options.openKfId, size, (done, total) => options.onProgress(`growth: prefilling ${done}/${total}`));
      const phase = await runPhase({
        sandboxUrl: options.sandboxUrl,
        openKfId: options.openKfId,
        ratePerS: options.ratePerS,
        durationMs: options.durationMs,
        drainMs: 30_000,
        customer: (i) => `${options.runId}g${size}n${i}`,
        onProgress: (line) => options.onProgress(`growth @${size}: ${line}`),
      });
      const { messages: _messages, answers: _answers, ...figures } = phase;
      points.push({ storedMessages: size, ...figures });
      options.onProgress(`growth @${size}: p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms`);
    }
  } finally {
    await connection.disconnect();
  }
  return points;
}

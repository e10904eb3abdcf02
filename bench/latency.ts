// Latency figures of one phase: quantiles over every message offered, an unanswered one counting
// as infinitely late (so a p99 is finite only when 99 % were answered).
export interface Offered {
  openKfId: string;
  customer: string;
  sentAt: number;
  answeredAt?: number;
  /** WeCom's msgid of the message, once the sandbox has logged it. */
  msgid?: string;
}

export interface Figures {
  offered: number;
  answered: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

export function figures(messages: Offered[]): Figures {
  const latencies = messages
    .map((m) => (m.answeredAt === undefined ? Infinity : m.answeredAt - m.sentAt))
    .sort((a, b) => a - b);
  return {
    offered: messages.length,
    answered: messages.filter((m) => m.answeredAt !== undefined).length,
    p50Ms: Math.round(quantile(latencies, 0.5)),
    p95Ms: Math.round(quantile(latencies, 0.95)),
    p99Ms: Math.round(quantile(latencies, 0.99)),
  };
}

export const formatMs = (ms: number) => (Number.isFinite(ms) ? `${ms}` : '—');

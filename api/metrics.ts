// The api's Prometheus metrics (prom-client default registry; served by api/routes/operations.ts):
// HTTP latency, and the conversations in each state right now, so a queue that grows can page a
// supervisor. The states come from Temporal visibility (the CsState search attribute of running
// conversations on this deployment's task queue), not from the MongoDB mirror: counting the mirror
// scanned every conversation ever stored on each scrape (docs/PERFORMANCE.md).
import type { Client } from '@temporalio/client';
import type { NextFunction, Request, Response } from 'express';
import { Gauge, Histogram } from 'prom-client';
import { runningConversationsQuery } from './conversationVisibility';

const OPEN_STATES = ['bot', 'confirming', 'queued', 'human', 'ticket'] as const;

const httpDuration = new Histogram({
  name: 'cs_http_request_duration_seconds',
  help: 'HTTP request duration by route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
});

/** Scrapes within this long of each other share one reading (several Prometheus servers, a retry). */
const READING_TTL_MS = 2000;

function openConversationCounts(temporal: Client, taskQueue: string) {
  let reading: { at: number; counts: Promise<number[]> } | undefined;
  return () => {
    if (!reading || Date.now() - reading.at > READING_TTL_MS) {
      const counts = Promise.all(
        OPEN_STATES.map(async (state) => {
          const query = runningConversationsQuery(taskQueue, [state]);
          const deadline = Date.now() + 3000; // a scrape never hangs on Temporal
          return (await temporal.connection.withDeadline(deadline, () => temporal.workflow.count(query))).count;
        }),
      );
      reading = { at: Date.now(), counts };
      counts.catch(() => (reading = undefined));
    }
    return reading.counts;
  };
}

/** Set by countConversationsIn: the api process's Temporal client and task queue (one api, one gauge). */
let readOpenConversations: (() => Promise<number[]>) | undefined;

new Gauge({
  name: 'cs_conversations',
  help: 'Open conversations by state (Temporal visibility: running conversations by CsState)',
  labelNames: ['state'] as const,
  async collect() {
    // The scrape still answers (without these values) while Temporal is unreachable.
    const counts = await readOpenConversations?.().catch(() => undefined);
    if (counts) OPEN_STATES.forEach((state, i) => this.set({ state }, counts[i]!));
  },
});

export function measureRequests(req: Request, res: Response, next: NextFunction): void {
  const end = httpDuration.startTimer();
  res.on('finish', () => {
    // A live event stream lasts minutes: it is no request latency.
    if (String(res.getHeader('content-type') ?? '').startsWith('text/event-stream')) return;
    // The matched route pattern, not the raw URL, so label cardinality stays bounded.
    const route =
      (req.route as { path?: string } | undefined)?.path ??
      (res.statusCode === 404 ? 'unmatched' : req.baseUrl || 'other');
    end({
      method: req.method,
      route: `${req.baseUrl}${typeof route === 'string' ? route : ''}`,
      status: String(res.statusCode),
    });
  });
  next();
}

/** Where the open-conversations gauge reads from: this deployment's Temporal and task queue. */
export function countConversationsIn(temporal: Client, taskQueue: string): void {
  readOpenConversations = openConversationCounts(temporal, taskQueue);
}

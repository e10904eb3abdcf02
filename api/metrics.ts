// The api's Prometheus metrics (prom-client default registry; served by api/routes/operations.ts):
// HTTP latency, and the conversations in each state right now (read from the mirror at scrape time), so
// a queue that grows can page a supervisor.
import type { NextFunction, Request, Response } from 'express';
import mongoose from 'mongoose';
import { Gauge, Histogram } from 'prom-client';
import { ConversationModel } from '../db/models/conversation';

const OPEN_STATES = ['bot', 'confirming', 'queued', 'human', 'ticket'] as const;

const httpDuration = new Histogram({
  name: 'cs_http_request_duration_seconds',
  help: 'HTTP request duration by route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
});

new Gauge({
  name: 'cs_conversations',
  help: 'Open conversations by state (from the conversation mirror)',
  labelNames: ['state'] as const,
  async collect() {
    if (mongoose.connection.readyState !== 1) return; // the scrape still answers while MongoDB is down
    const counts = await Promise.all(OPEN_STATES.map((state) => ConversationModel.countDocuments({ state })));
    OPEN_STATES.forEach((state, i) => this.set({ state }, counts[i]!));
  },
});

export function measureRequests(req: Request, res: Response, next: NextFunction): void {
  const end = httpDuration.startTimer();
  res.on('finish', () => {
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

// GET /healthz: 200 when every required dependency answers, 503 (with the failing one named)
// otherwise: Temporal, MongoDB, and the kf inboxes (an account whose sync keeps failing means
// customers are not being read). The embedding server is reported too but not required: without
// it the bot answers from lexical retrieval, so the status says "degraded" and the code stays 200.
// Public, for load balancers and docker's healthcheck.
import type { Client } from '@temporalio/client';
import { embeddingsHealth } from '../../bot/semantic/health';
import type { Config } from '../../config/env';
import { mongoHealth } from '../../db/connection';
import { inboxHealth } from '../inboxHealth';
import { defineRoute, type Route } from '../route';
import { temporalHealth } from '../temporal';

export function healthRoutes(temporal: Client, embeddings: Config['embeddings']): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/healthz',
      tag: 'operations',
      summary: 'Health of the api and its dependencies (503 when a required one is down)',
      access: 'public',
      async handle({ res }) {
        const [mongodb, temporalStatus, inbox, embeddingStatus] = await Promise.all([
          mongoHealth(),
          temporalHealth(temporal),
          inboxHealth(),
          embeddingsHealth(embeddings),
        ]);
        const required = { temporal: temporalStatus, mongodb, inbox };
        const ok = Object.values(required).every((d) => d.ok);
        res.status(ok ? 200 : 503);
        return {
          status: ok && embeddingStatus.ok ? 'ok' : 'degraded',
          dependencies: { ...required, embeddings: embeddingStatus },
        };
      },
    }),
  ];
}

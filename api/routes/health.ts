// GET /healthz: 200 when every required dependency answers, 503 (with the failing one named)
// otherwise. The embedding server is reported too but not required: without it the bot answers
// from lexical retrieval, so the status says "degraded" and the code stays 200.
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { embeddingsHealth } from '../../bot/semantic/health';
import type { Config } from '../../config/env';
import { mongoHealth } from '../../db/connection';
import { temporalHealth } from '../temporal';

export function healthRoutes(temporal: Client, embeddings: Config['embeddings']): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const [mongodb, temporalStatus, embeddingStatus] = await Promise.all([
      mongoHealth(),
      temporalHealth(temporal),
      embeddingsHealth(embeddings),
    ]);
    const required = { temporal: temporalStatus, mongodb };
    const ok = Object.values(required).every((d) => d.ok);
    const status = !ok ? 'degraded' : embeddingStatus.ok ? 'ok' : 'degraded';
    res.status(ok ? 200 : 503).json({ status, dependencies: { ...required, embeddings: embeddingStatus } });
  });
  return router;
}

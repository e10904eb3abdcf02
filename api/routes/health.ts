// GET /healthz: 200 when every dependency answers, 503 (with the failing one named) otherwise.
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { mongoHealth } from '../../db/connection';
import { temporalHealth } from '../temporal';

export function healthRoutes(temporal: Client): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const [mongodb, temporalStatus] = await Promise.all([mongoHealth(), temporalHealth(temporal)]);
    const dependencies = { temporal: temporalStatus, mongodb };
    const ok = Object.values(dependencies).every((d) => d.ok);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', dependencies });
  });
  return router;
}

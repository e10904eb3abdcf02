// POST /api/dev/echo: the development slice. Runs echoWorkflow, which stores the text in MongoDB
// through an activity, and answers with the workflow's result.
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { echoWorkflow } from '../../workflows/echo';
import { parseBody } from '../validate';

const EchoBody = z.object({
  text: z.string().min(1).max(2000),
  echoId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
});

export function devEchoRoutes(temporal: Client, taskQueue: string): Router {
  const router = Router();
  router.post('/api/dev/echo', async (req, res) => {
    const body = parseBody(EchoBody, req.body);
    const echoId = body.echoId ?? randomUUID();
    const workflowId = `echo:${echoId}`;
    const result = await temporal.workflow.execute(echoWorkflow, {
      taskQueue,
      workflowId,
      args: [{ echoId, text: body.text }],
      workflowExecutionTimeout: '30 seconds',
      // The same echoId twice returns the first run's result instead of failing.
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    res.json({ workflowId, ...result });
  });
  return router;
}

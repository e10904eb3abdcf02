// POST /api/dev/echo: the development slice, mounted only outside production. Runs echoWorkflow,
// which stores the text in MongoDB through an activity, and answers with the workflow's result.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { echoWorkflow } from '../../workflows/echo';
import { defineRoute, type Route } from '../route';

const EchoBody = z.strictObject({
  text: z.string().min(1).max(2000),
  echoId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
});

export function devEchoRoutes(temporal: Client, taskQueue: string): Route[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/dev/echo',
      tag: 'development',
      summary: 'Echo through a workflow and MongoDB (development and test only)',
      access: 'user',
      body: EchoBody,
      async handle({ body }) {
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
        return { workflowId, ...result };
      },
    }),
  ];
}

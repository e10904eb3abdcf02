// GET /healthz: 200 when every dependency answers, 503 (with the failing one named) otherwise.
// Public, for load balancers and docker's healthcheck.
import type { Client } from '@temporalio/client';
import { mongoHealth } from '../../db/connection';
import { defineRoute, type Route } from '../route';
import { temporalHealth } from '../temporal';

export function healthRoutes(temporal: Client): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/healthz',
      tag: 'operations',
      summary: 'Health of the api and its dependencies (503 when one is down)',
      access: 'public',
      async handle({ res }) {
        const [mongodb, temporalStatus] = await Promise.all([mongoHealth(), temporalHealth(temporal)]);
        const dependencies = { temporal: temporalStatus, mongodb };
        const ok = Object.values(dependencies).every((d) => d.ok);
        res.status(ok ? 200 : 503);
        return { status: ok ? 'ok' : 'degraded', dependencies };
      },
    }),
  ];
}

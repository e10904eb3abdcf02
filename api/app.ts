// The express application: health, metrics, REST routes. Built from its dependencies so tests can
// run it in-process against real servers.
import express, { type Express } from 'express';
import type { Client } from '@temporalio/client';
import type { Config } from '../config/env';
import type { Logger } from '../config/logger';
import { measureRequests, mountMetrics } from './metrics';
import { consoleRoutes } from './routes/console';
import { devEchoRoutes } from './routes/devEcho';
import { healthRoutes } from './routes/health';
import { errorHandler } from './validate';

export interface AppDeps {
  config: Config;
  temporal: Client;
  log: Logger;
}

export function createApp({ config, temporal, log }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(measureRequests);
  app.use(healthRoutes(temporal));
  mountMetrics(app);
  app.use('/api', express.json({ limit: '256kb' }));
  app.use(consoleRoutes(config));
  app.use(devEchoRoutes(temporal, config.TEMPORAL_TASK_QUEUE));
  app.use(errorHandler(log));
  return app;
}

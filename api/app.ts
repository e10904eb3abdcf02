// The express application: health, metrics, REST routes. Built from its dependencies so tests can
// run it in-process against real servers.
import express, { type Express } from 'express';
import type { Client } from '@temporalio/client';
import type { Config } from '../config/env';
import type { Logger } from '../config/logger';
import { measureRequests, mountMetrics } from './metrics';
import { consoleRoutes } from './routes/console';
import { conversationRoutes } from './routes/conversations';
import { devEchoRoutes } from './routes/devEcho';
import { healthRoutes } from './routes/health';
import { knowledgeBaseRoutes } from './routes/knowledgeBase';
import { ticketRoutes } from './routes/tickets';
import { errorHandler } from './validate';
import { kfInboxSink, type KfCallbackEvent } from './kfInboxSink';
import { wecomCallbackRoutes } from './routes/wecomCallback';

export interface AppDeps {
  config: Config;
  temporal: Client;
  log: Logger;
  /** Where verified WeCom callbacks go; by default the kf inbox workflows. */
  wecomSink?: (event: KfCallbackEvent) => Promise<void>;
}

export function createApp({ config, temporal, log, wecomSink }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(measureRequests);
  app.use(healthRoutes(temporal));
  mountMetrics(app, temporal, config.TEMPORAL_TASK_QUEUE);
  if (config.wecom) {
    app.use(
      wecomCallbackRoutes({
        credentials: config.wecom,
        sink: wecomSink ?? kfInboxSink(temporal, config.TEMPORAL_TASK_QUEUE),
        log,
      }),
    );
  }
  app.use('/api', express.json({ limit: '256kb' }));
  app.use(consoleRoutes(config));
  app.use(devEchoRoutes(temporal, config.TEMPORAL_TASK_QUEUE));
  app.use(conversationRoutes(temporal));
  app.use(ticketRoutes(temporal));
  app.use(knowledgeBaseRoutes());
  app.use(errorHandler(log));
  return app;
}

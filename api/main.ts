// api process entry point: configuration, MongoDB, Temporal client, HTTP server, clean shutdown.
import { loadConfigOrExit } from '../config/env';
import { createLogger } from '../config/logger';
import { connectMongo, disconnectMongo } from '../db/connection';
import { retryUntil } from '../config/retry';
import { createApp } from './app';
import { createTemporalClient } from './temporal';
import { collectDefaultMetrics } from 'prom-client';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger('api', config.LOG_LEVEL);
  collectDefaultMetrics();

  // Not awaited: the api serves /healthz (503) while MongoDB is still unreachable; mongoose
  // buffers model calls until the connection is up.
  retryUntil('MongoDB', () => connectMongo(config.MONGODB_URI, { timeoutMs: 3000 }), log, {
    timeoutMs: Infinity,
  }).catch((error: unknown) => log.error({ error: (error as Error).message }, 'MongoDB connection failed'));
  const temporal = createTemporalClient({ address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE });

  const app = createApp({ config, temporal, log });
  const server = app.listen(config.PORT, () => log.info({ port: config.PORT }, 'api listening'));
  server.on('error', (error) => {
    log.fatal({ error: error.message }, `cannot listen on PORT ${config.PORT}`);
    process.exit(1);
  });

  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down');
    server.close(() => {
      void Promise.allSettled([disconnectMongo(), temporal.connection.close()]).then(() => process.exit(0));
    });
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`api failed: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});

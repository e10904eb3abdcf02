// api process entry point: configuration, MongoDB, the Temporal client (TLS and the payload codec
// as configured), the users to create on a first start, the HTTP server (and the internal metrics
// listener), clean shutdown.
import { loadConfigOrExit } from '../config/env';
import { createLogger } from '../config/logger';
import { configuredSecrets } from '../config/secrets';
import { connectMongo, disconnectMongo } from '../db/connection';
import { retryUntil } from '../config/retry';
import { dataConverter, temporalTls } from '../temporal/connectionOptions';
import { startTracing } from '../tracing/setup';
import { tracingClientInterceptors } from '../tracing/temporal';
import { startMetricsServer } from '../worker/metricsServer';
import { seedUsers } from './auth/seedUsers';
import { createApp } from './app';
import { createTemporalClient } from './temporal';
import type { WorkspaceHub } from './workspace/hub';
import { collectDefaultMetrics } from 'prom-client';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger('api', config.LOG_LEVEL, configuredSecrets(config));
  collectDefaultMetrics();
  const tracing = startTracing(config, 'api', log);

  // Not awaited: the api serves /healthz (503) while MongoDB is still unreachable; mongoose
  // buffers model calls until the connection is up.
  retryUntil('MongoDB', () => connectMongo(config.MONGODB_URI, { timeoutMs: 3000 }), log, {
    timeoutMs: Infinity,
  })
    .then(async () => {
      if (!config.usersFile) return;
      const created = await seedUsers(config.usersFile);
      if (created > 0) log.info({ users: created, file: config.usersFile }, 'users created (there were none)');
    })
    .catch((error: unknown) => log.error({ error: (error as Error).message }, 'MongoDB start-up failed'));
  const temporal = createTemporalClient({
    address: config.TEMPORAL_ADDRESS,
    namespace: config.TEMPORAL_NAMESPACE,
    tls: temporalTls(config),
    dataConverter: dataConverter(config),
    // A customer's message reaches the inbox workflow with the callback's trace.
    interceptors: tracingClientInterceptors(tracing),
  });

  const app = createApp({ config, temporal, log, traced: tracing !== undefined });
  const server = app.listen(config.PORT, () => log.info({ port: config.PORT }, 'api listening'));
  server.on('error', (error) => {
    log.fatal({ error: error.message }, `cannot listen on PORT ${config.PORT}`);
    process.exit(1);
  });
  // Prometheus scrapes this port on the internal network; the public port asks for a supervisor.
  const metrics = config.API_METRICS_PORT
    ? await startMetricsServer({ port: config.API_METRICS_PORT, sdkMetricsUrl: undefined, health: () => 'ok' })
    : undefined;

  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down');
    metrics?.close();
    (app.locals.workspaceHub as WorkspaceHub).close(); // live streams would hold the server open
    server.close(() => {
      void Promise.allSettled([disconnectMongo(), temporal.connection.close(), tracing?.shutdown()]).then(() =>
        process.exit(0),
      );
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

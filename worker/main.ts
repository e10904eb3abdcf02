// Worker process entry point: wires configuration, MongoDB, the Temporal connection, metrics, and
// runs the worker until SIGINT/SIGTERM.
import { DefaultLogger, NativeConnection, Runtime, type LogLevel } from '@temporalio/worker';
import { collectDefaultMetrics } from 'prom-client';
import { Client, Connection } from '@temporalio/client';
import { createActivities } from '../activities';
import { loadConfigOrExit } from '../config/env';
import { freePort } from '../config/freePort';
import { createLogger } from '../config/logger';
import { connectMongo, disconnectMongo } from '../db/connection';
import { createWorker } from './createWorker';
import { workflowCallWatchdog, workflowStackTraces } from './launch';
import { stalledWorkflowThreads, watchWorkflowCalls, WORKFLOW_CALL_LIMIT_MS } from './workflowCallWatch';
import { startMetricsServer } from './metricsServer';
import { buildActivityDeps } from './dependencies';
import { ensureSearchAttributes } from './searchAttributes';
import { retryUntil } from '../config/retry';
import { slotReaper, SLOT_REAPER_WORKFLOW_ID } from '../workflows/slotReaper';
import { configuredSecrets } from '../config/secrets';
import { dataConverter, temporalTls } from '../temporal/connectionOptions';
import { startTracing } from '../tracing/setup';
import { tracingClientInterceptors } from '../tracing/temporal';

/**
 * Node hands out Buffers under half this size from shared slabs of this size, and a slab lives as
 * long as any Buffer cut from it. The SDK keeps each cached run's last activation completion (a
 * small Buffer) until its next activation, so with the default 8 KiB every cached conversation held
 * a slab of its own (a heap snapshot of the worker's main thread, docs/PERFORMANCE.md, run 8).
 */
const BUFFER_POOL_BYTES = 1024;

async function main(): Promise<void> {
  Buffer.poolSize = BUFFER_POOL_BYTES;
  const config = loadConfigOrExit();
  const log = createLogger('worker', config.LOG_LEVEL, configuredSecrets(config));
  const tracing = startTracing(config, 'worker', log);

  const sdkMetricsPort = await freePort();
  // The SDK's own logs go through ours; below warn only when debugging (its info level prints the
  // whole workflow bundle report at every start).
  const sdkLevel: LogLevel = ['debug', 'trace'].includes(config.LOG_LEVEL) ? 'DEBUG' : 'WARN';
  Runtime.install({
    logger: new DefaultLogger(sdkLevel, ({ level, message, meta }) => {
      const method = level === 'ERROR' ? 'error' : level === 'WARN' ? 'warn' : level === 'INFO' ? 'info' : 'debug';
      log[method]({ sdk: true, ...meta }, message);
    }),
    telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${sdkMetricsPort}` } } },
  });
  collectDefaultMetrics();

  // A workflow call running past the SDK's limit (worker/workflowCallWatch.ts): the workflows
  // cached on its thread are stalled until it returns.
  const callWatch = watchWorkflowCalls({
    limitMs: WORKFLOW_CALL_LIMIT_MS,
    onStall: ({ thread, ms }) => {
      stalledWorkflowThreads.inc();
      log.error(
        { thread, seconds: Math.round(ms / 1000) },
        'a call into a workflow is still running: a workflow is looping or blocked, and the workflows on its thread wait for it',
      );
    },
    onRecover: ({ thread, ms }) => {
      stalledWorkflowThreads.dec();
      log.warn({ thread, seconds: Math.round(ms / 1000) }, 'the stalled workflow call returned');
    },
  });

  let running = false;
  const metrics = await startMetricsServer({
    port: config.WORKER_METRICS_PORT,
    sdkMetricsUrl: `http://127.0.0.1:${sdkMetricsPort}/metrics`,
    health: () => (!running ? 'starting' : (callWatch?.stalled() ?? 0) > 0 ? 'stalled' : 'ok'),
  });

  await retryUntil('MongoDB', () => connectMongo(config.MONGODB_URI, { timeoutMs: 3000 }), log);
  const tls = temporalTls(config);
  const connection = await retryUntil(
    'Temporal',
    () =>
      NativeConnection.connect({
        address: config.TEMPORAL_ADDRESS,
        tls,
        grpcCompression: { codec: config.TEMPORAL_GRPC_COMPRESSION },
      }),
    log,
  );
  const added = await ensureSearchAttributes(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE, tls);
  if (added.length > 0) log.info({ added }, 'registered search attributes');

  const temporal = new Client({
    connection: await Connection.connect({ address: config.TEMPORAL_ADDRESS, tls }),
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: dataConverter(config),
    // The inbox's activity signals conversations with it: the message's trace goes along.
    interceptors: tracingClientInterceptors(tracing),
  });
  const { deps, close } = await buildActivityDeps(config, temporal, log);
  const worker = await createWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities: createActivities(deps),
    dataConverter: dataConverter(config),
    tuning: {
      maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
      maxConcurrentWorkflowTasks: config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
      maxConcurrentActivities: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
    },
    tracing,
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log.info({ signal }, 'shutting down');
      worker.shutdown();
    });
  }

  // Frees the slots of conversations that ended abnormally; one reaper per task queue.
  await temporal.workflow
    .start(slotReaper, {
      workflowId: `${SLOT_REAPER_WORKFLOW_ID}:${config.TEMPORAL_TASK_QUEUE}`,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [{}],
      workflowIdConflictPolicy: 'USE_EXISTING',
    })
    .catch((error: unknown) => log.warn({ error: (error as Error).message }, 'slot reaper not started'));

  running = true;
  log.info(
    {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      metricsPort: config.WORKER_METRICS_PORT,
      // worker/workflowThreads.cjs: the SDK prints "createHook is not available" when they are off.
      workflowStackTraces: workflowStackTraces(),
      workflowCallWatchdog: workflowCallWatchdog(callWatch ? WORKFLOW_CALL_LIMIT_MS : undefined),
    },
    'worker running',
  );
  try {
    await worker.run();
  } finally {
    running = false;
    callWatch?.stop();
    close();
    await temporal.connection.close();
    await connection.close();
    await disconnectMongo();
    metrics.close();
    await tracing?.shutdown();
  }
}

main().then(
  // The native runtime keeps handles open after shutdown; the worker is done, so exit.
  () => process.exit(0),
  (error: unknown) => {
    console.error(`worker failed: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);

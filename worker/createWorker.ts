// Builds the Temporal worker: the workflows bundle plus the activities. Used by worker/main.ts and
// by the tests, which pass a prebuilt bundle so workflows are bundled once per test file.
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Tracing } from '../tracing/setup';
import { tracingWorkerOptions } from '../tracing/temporal';
import { workflowBundlerOptions, workflowsPath } from './workflowBundle';

/** Cache and concurrency; docs/PERFORMANCE.md has the measurements behind the defaults. */
export interface WorkerTuning {
  /** Open conversations kept in memory between their turns (a miss replays the history). */
  maxCachedWorkflows?: number;
  maxConcurrentWorkflowTasks?: number;
  maxConcurrentActivities?: number;
}

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** From bundleWorkflowCode with workflowBundleOptions; when absent the worker bundles them itself. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  activities: object;
  identity?: string;
  /** Encrypts payloads when PAYLOAD_ENCRYPTION_KEYS is set. */
  dataConverter?: WorkerOptions['dataConverter'];
  tuning?: WorkerTuning;
  /**
   * Temporal's OpenTelemetry interceptors, when tracing is on. A prebuilt bundle must have been
   * built with tracingWorkflowModules (tracing/temporal.ts) for the workflows' spans.
   */
  tracing?: Tracing;
}

export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  const tuning = options.tuning ?? {};
  const traced = options.tracing && tracingWorkerOptions(options.tracing);
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath, bundlerOptions: workflowBundlerOptions }),
    activities: options.activities,
    ...(options.identity ? { identity: options.identity } : {}),
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    ...(traced
      ? {
          sinks: traced.sinks,
          interceptors: options.workflowBundle
            ? { ...traced.interceptors, workflowModules: undefined }
            : traced.interceptors,
        }
      : {}),
    // One V8 context for every workflow: about a third of the memory per cached conversation.
    reuseV8Context: true,
    ...(tuning.maxCachedWorkflows ? { maxCachedWorkflows: tuning.maxCachedWorkflows } : {}),
    ...(tuning.maxConcurrentWorkflowTasks
      ? { maxConcurrentWorkflowTaskExecutions: tuning.maxConcurrentWorkflowTasks }
      : {}),
    ...(tuning.maxConcurrentActivities ? { maxConcurrentActivityTaskExecutions: tuning.maxConcurrentActivities } : {}),
  });
}

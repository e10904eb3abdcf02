// Builds the Temporal worker: the workflows bundle plus the activities. Used by worker/main.ts and
// by the tests, which pass a prebuilt bundle so workflows are bundled once per test file.
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';

export const workflowsPath = require.resolve('../workflows');

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** From bundleWorkflowCode; when absent the worker bundles workflowsPath itself. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  activities: object;
  identity?: string;
  /** Encrypts payloads when PAYLOAD_ENCRYPTION_KEYS is set. */
  dataConverter?: WorkerOptions['dataConverter'];
}

export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
    activities: options.activities,
    ...(options.identity ? { identity: options.identity } : {}),
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
  });
}

// What the tests run against: the real Temporal and MongoDB-wire servers the harness (dev/test.ts)
// started. A test file run without them fails loudly; nothing is skipped.
import { randomUUID } from 'node:crypto';
import {
  bundleWorkflowCode,
  DefaultLogger,
  NativeConnection,
  Runtime,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import mongoose from 'mongoose';
import { workflowBundleOptions } from '../../worker/workflowBundle';

export function requireEnv(name: 'TEMPORAL_ADDRESS' | 'MONGODB_URI'): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with \`npm test\`, which starts the servers`);
  return value;
}

/** A MongoDB URI for a database of this test file's own, so files can run in parallel. */
export function uniqueMongoUri(prefix = 'test'): string {
  const url = new URL(requireEnv('MONGODB_URI'));
  url.pathname = `/${prefix}_${randomUUID().slice(0, 8)}`;
  return url.toString();
}

export async function connectTestMongo(prefix?: string): Promise<string> {
  const uri = uniqueMongoUri(prefix);
  await mongoose.connect(uri, { serverSelectionTimeoutMS: 5000 });
  return uri;
}

export async function dropTestMongo(): Promise<void> {
  await mongoose.connection.dropDatabase().catch(() => undefined);
  await mongoose.disconnect();
}

export async function temporalClient(dataConverter?: DataConverter): Promise<Client> {
  const connection = await Connection.connect({ address: requireEnv('TEMPORAL_ADDRESS') });
  return new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default', dataConverter });
}

let runtimeInstalled = false;

/** The SDK's native runtime, quiet; call before a worker connection of a test's own. */
export function installTestRuntime(): void {
  // The SDK logs every worker state change at INFO; tests only want warnings. Installed only by
  // files that run workers: the native runtime would keep other test processes alive.
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
}

export async function nativeConnection(): Promise<NativeConnection> {
  installTestRuntime();
  return NativeConnection.connect({ address: requireEnv('TEMPORAL_ADDRESS') });
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Bundles the workflows once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({
    ...workflowBundleOptions,
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never,
  });
  return bundle;
}

export const uniqueTaskQueue = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;

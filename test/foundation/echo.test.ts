// The foundation's vertical slice through the real servers: HTTP → api → Temporal → worker →
// activity → FerretDB, asserted on both the HTTP answer and the stored document.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { createApp } from '../../api/app';
import { randomAdminToken } from '../support/users';
import { loadConfig } from '../../config/env';
import { createLogger } from '../../config/logger';
import { EchoRecordModel } from '../../db/models/echoRecord';
import { createEchoActivities } from '../../activities/echo';
import { createWorker } from '../../worker/createWorker';
import {
  connectTestMongo,
  dropTestMongo,
  nativeConnection,
  temporalClient,
  uniqueTaskQueue,
  workflowBundle,
} from '../support/servers';

describe('echo slice (api → Temporal → activity → MongoDB)', () => {
  const taskQueue = uniqueTaskQueue('echo');
  let client: Client;
  let connection: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;
  let server: Server;
  let baseUrl: string;
  const adminToken = randomAdminToken();
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` };

  before(async () => {
    await connectTestMongo('echo');
    client = await temporalClient();
    connection = await nativeConnection();
    worker = await createWorker({
      connection,
      namespace: 'default',
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: createEchoActivities(),
    });
    running = worker.run();
    const config = loadConfig({ ...process.env, TEMPORAL_TASK_QUEUE: taskQueue, ADMIN_API_TOKEN: adminToken });
    const app = createApp({ config, temporal: client, log: createLogger('api-test', 'silent') });
    server = app.listen(0);
    await new Promise((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server?.close();
    worker?.shutdown();
    await running;
    await connection?.close();
    await client?.connection.close();
    await dropTestMongo();
  });

  it('stores the text through the workflow and returns the workflow result', async () => {
    const echoId = `e-${Date.now()}`;
    const res = await fetch(`${baseUrl}/api/dev/echo`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ text: '你好, Temporal', echoId }),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { workflowId: string; echoId: string; text: string; storedAt: string };
    assert.equal(body.workflowId, `echo:${echoId}`);
    assert.equal(body.text, '你好, Temporal');

    const stored = await EchoRecordModel.findOne({ echoId }).lean();
    assert.ok(stored, 'the activity wrote the document');
    assert.equal(stored.text, '你好, Temporal');
    assert.equal(stored.workflowId, `echo:${echoId}`);
    assert.equal(stored.storedAt.toISOString(), body.storedAt);

    const description = await client.workflow.getHandle(`echo:${echoId}`).describe();
    assert.equal(description.status.name, 'COMPLETED');
  });

  it('is idempotent: the same echoId twice stores one document', async () => {
    const echoId = `dup-${Date.now()}`;
    const send = () =>
      fetch(`${baseUrl}/api/dev/echo`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ text: 'once', echoId }),
      }).then((r) => r.json() as Promise<{ storedAt: string }>);
    const [first, second] = [await send(), await send()];
    assert.equal(first.storedAt, second.storedAt);
    assert.equal(await EchoRecordModel.countDocuments({ echoId }), 1);
  });

  it('rejects a bad body with 400 and a message naming the field', async () => {
    const res = await fetch(`${baseUrl}/api/dev/echo`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ text: '' }),
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: string };
    assert.match(body.error, /text/);
  });

  it('refuses the echo without credentials, and is not mounted in production', async () => {
    const anonymous = await fetch(`${baseUrl}/api/dev/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hi' }),
    });
    assert.equal(anonymous.status, 401);
    const production = createApp({
      config: loadConfig({
        ...process.env,
        NODE_ENV: 'production',
        PUBLIC_URL: 'http://127.0.0.1',
        ADMIN_API_TOKEN: adminToken,
      }),
      temporal: client,
      log: createLogger('api-test', 'silent'),
    }).listen(0);
    await new Promise((resolve) => production.once('listening', resolve));
    const res = await fetch(`http://127.0.0.1:${(production.address() as AddressInfo).port}/api/dev/echo`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ text: 'hi' }),
    });
    production.close();
    assert.equal(res.status, 404);
  });

  it('answers /healthz with 200 and each dependency ok', async () => {
    const res = await fetch(`${baseUrl}/healthz`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { dependencies: Record<string, { ok: boolean }> };
    assert.deepEqual(Object.keys(body.dependencies).sort(), ['embeddings', 'inbox', 'mongodb', 'temporal']);
    assert.ok(Object.values(body.dependencies).every((d) => d.ok));
  });
});

// The real entry points as separate processes, talking over HTTP and gRPC to the harness's servers:
// the worker and the api start, report healthy, serve the echo slice, expose metrics, and stop
// cleanly on SIGTERM.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freePort, type Service } from '../../dev/services';
import { startEntryPoint } from '../support/processes';
import { requireEnv, uniqueMongoUri, uniqueTaskQueue } from '../support/servers';
import { randomAdminToken } from '../support/users';
import { readUsersFile } from '../../api/auth/seedUsers';
import { DEFAULT_USERS_FILE, loadConfig } from '../../config/env';
import { signInInstructions } from '../../dev/signInInstructions';

async function waitForOk(url: string, timeoutMs = 60_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(url).catch(() => undefined);
    if (res?.ok) return res;
    if (Date.now() > deadline)
      throw new Error(`${url} not ok after ${timeoutMs} ms (last: ${res?.status ?? 'no answer'})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('api and worker processes', () => {
  const logs: string[] = [];
  let api: Service;
  let worker: Service;
  let apiUrl: string;
  let workerUrl: string;
  const adminToken = randomAdminToken();
  const auth = { authorization: `Bearer ${adminToken}` };

  before(async () => {
    const [apiPort, metricsPort] = [await freePort(), await freePort()];
    const env = {
      ...process.env,
      PORT: String(apiPort),
      WORKER_METRICS_PORT: String(metricsPort),
      TEMPORAL_ADDRESS: requireEnv('TEMPORAL_ADDRESS'),
      MONGODB_URI: uniqueMongoUri('processes'),
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('processes'),
      LOG_LEVEL: 'info',
      ADMIN_API_TOKEN: adminToken,
      // What `npm start` does in development: the demo users on a first start.
      USERS_FILE: DEFAULT_USERS_FILE,
    };
    const start = (name: string, entry: string) => startEntryPoint(name, entry, env, logs);
    worker = start('worker', 'worker/main.ts');
    api = start('api', 'api/main.ts');
    apiUrl = `http://127.0.0.1:${apiPort}`;
    workerUrl = `http://127.0.0.1:${metricsPort}`;
  });

  after(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
  });

  it('both become healthy', async () => {
    await waitForOk(`${workerUrl}/healthz`);
    const res = await waitForOk(`${apiUrl}/healthz`);
    const body = (await res.json()) as { status: string; dependencies: Record<string, { ok: boolean }> };
    assert.equal(body.status, 'ok');
    assert.equal(body.dependencies.embeddings?.ok, true, 'the harness embedding server answers');
  });

  it('serve the echo slice across processes', async () => {
    const res = await fetch(`${apiUrl}/api/dev/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ text: 'across processes' }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    const body = (await res.json()) as { text: string; workflowId: string };
    assert.equal(body.text, 'across processes');
    assert.match(body.workflowId, /^echo:/);
  });

  it('create the demo users on a first start, who sign in as npm start says', async () => {
    const config = loadConfig({ USERS_FILE: DEFAULT_USERS_FILE, ADMIN_API_TOKEN: adminToken });
    const printed = signInInstructions(config, apiUrl).join('\n');
    for (const user of readUsersFile(DEFAULT_USERS_FILE)) {
      assert.match(printed, new RegExp(`${user.userId}[^\n]*password ${user.password}`), `${user.userId} is printed`);
      const login = async () =>
        fetch(`${apiUrl}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ userId: user.userId, password: user.password }),
        });
      let res = await login();
      for (let i = 0; res.status === 401 && i < 40; i++) {
        await new Promise((resolve) => setTimeout(resolve, 250)); // seeding follows the MongoDB connection
        res = await login();
      }
      assert.equal(res.status, 200, user.userId);
      assert.equal(((await res.json()) as { role: string }).role, user.role);
    }
  });

  it('expose Prometheus metrics: prom-client on both, the Temporal SDK on the worker', async () => {
    const apiMetrics = await (await fetch(`${apiUrl}/metrics`, { headers: auth })).text();
    assert.match(apiMetrics, /cs_http_request_duration_seconds_count\{[^}]*route="\/api\/dev\/echo"/);
    const workerMetrics = await (await fetch(`${workerUrl}/metrics`)).text();
    assert.match(workerMetrics, /process_cpu_user_seconds_total/);
    assert.match(workerMetrics, /temporal_/);
    // The worker embedded the KB through the harness's embedding server: hybrid understanding.
    assert.match(workerMetrics, /^cs_embeddings_available 1$/m);
  });

  it('log structured JSON lines', () => {
    const apiLine = logs.find((line) => line.startsWith('[api] {'));
    assert.ok(apiLine, logs.join('\n'));
    const entry = JSON.parse(apiLine.slice('[api] '.length)) as { service: string; level: number };
    assert.equal(entry.service, 'api');
  });

  it('stop cleanly on SIGTERM', async () => {
    const exits = [api, worker].map(
      (service) => new Promise<number | null>((resolve) => service.child.once('exit', (code) => resolve(code))),
    );
    api.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    assert.deepEqual(await Promise.all(exits), [0, 0]);
  });
});

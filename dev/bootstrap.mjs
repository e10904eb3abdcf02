// Entry point of `npm start` and `npm test` on a fresh clone: installs the npm dependencies when
// they are missing or older than package-lock.json (npm ci, non-interactive), then runs the
// TypeScript launcher. Plain JavaScript because nothing else can run before node_modules exists.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [command, ...args] = process.argv.slice(2);
const scripts = { start: 'dev/start.ts', test: 'dev/test.ts', setup: 'dev/setup.ts' };
if (!scripts[command]) {
  console.error(`usage: node dev/bootstrap.mjs ${Object.keys(scripts).join('|')} [args]`);
  process.exit(2);
}

const lock = path.join(root, 'package-lock.json');
const installed = path.join(root, 'node_modules', '.package-lock.json');
const stale = !fs.existsSync(installed) || fs.statSync(installed).mtimeMs < fs.statSync(lock).mtimeMs;
if (stale) {
  console.log('▸ installing npm dependencies (npm ci)');
  const started = Date.now();
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel', 'error'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, npm_config_yes: 'true' },
  });
  if (result.status !== 0) {
    console.error('npm ci failed: see the output above');
    process.exit(result.status ?? 1);
  }
  console.log(`  ✓ npm dependencies installed (${((Date.now() - started) / 1000).toFixed(1)}s)`);
}

// The launcher handles Ctrl-C itself (it stops its children in order); this process only waits.
const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, scripts[command]), ...args], {
  cwd: root,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}
// npm kills only its `sh -c`, which passes nothing on: when our parent is gone, stop the launcher
// as Ctrl-C would (dev/lifeline.ts does the same one level down).
const parent = process.ppid;
const watch = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(watch);
  child.kill('SIGTERM');
}, 1000);
watch.unref();
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

// Running commands for setup and tests: inherit output, fail with the command line on error.
import { spawn, type SpawnOptions } from 'node:child_process';

export function run(command: string, args: string[], options: SpawnOptions = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', ...options });
    child.once('error', (error) => reject(new Error(`${command}: ${error.message}`)));
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`\`${[command, ...args].join(' ')}\` failed (${signal ?? `exit ${code}`})`));
    });
  });
}

export function step(message: string): () => void {
  const started = Date.now();
  process.stdout.write(`▸ ${message}\n`);
  return () => process.stdout.write(`  ✓ ${message} (${((Date.now() - started) / 1000).toFixed(1)}s)\n`);
}

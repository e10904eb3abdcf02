// The product's real entry points as child processes (`node --import tsx <entry>`), their output
// lines collected for the test to read.
import path from 'node:path';
import { spawnService, type Service } from '../../dev/services';

const ROOT = path.resolve(__dirname, '..', '..');

export function startEntryPoint(name: string, entry: string, env: NodeJS.ProcessEnv, lines: string[]): Service {
  return spawnService(name, process.execPath, ['--import', 'tsx', path.join(ROOT, entry)], {
    env,
    output: { file: '/dev/null' },
    onLine: (line) => lines.push(`[${name}] ${line}`),
  });
}

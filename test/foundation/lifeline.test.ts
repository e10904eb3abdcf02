// Launchers stop their stack when told to, and also when whatever started them is killed without
// passing the signal on (npm kills only its `sh -c`): nothing is left holding the ports.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';

const CHILD = path.resolve(__dirname, '..', 'fixtures', 'lifelineChild.ts');

function launch(viaShell: boolean): { parent: ChildProcess; output: Promise<string>; ready: Promise<void> } {
  const command = `${JSON.stringify(process.execPath)} --import tsx ${JSON.stringify(CHILD)}`;
  const parent = viaShell
    ? spawn('sh', ['-c', `${command}; true`], { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(process.execPath, ['--import', 'tsx', CHILD], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  parent.stdout!.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    if (text.includes('ready')) markReady();
  });
  const output = new Promise<string>((resolve) => parent.stdout!.on('close', () => resolve(text)));
  return { parent, output, ready };
}

describe('launcher lifeline', () => {
  it('stops on SIGTERM', { timeout: 15_000 }, async () => {
    const { parent, output, ready } = launch(false);
    await ready;
    parent.kill('SIGTERM');
    assert.match(await output, /stopping: SIGTERM/);
  });

  it('stops when the process that started it is killed outright', { timeout: 15_000 }, async () => {
    const { parent, output, ready } = launch(true);
    await ready;
    parent.kill('SIGKILL'); // the shell dies and passes nothing on
    const started = Date.now();
    assert.match(await output, /stopping: parent exited/);
    assert.ok(Date.now() - started < 5000, 'noticed within a few seconds');
  });
});

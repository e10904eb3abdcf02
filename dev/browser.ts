// What the browser tests need from the machine: Chromium and a CJK font (Debian packages). `npm test`
// installs them when they are missing and it runs as root with apt-get; otherwise it says in one
// line what to install and stops before any test runs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { run, step } from './run';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PACKAGES = ['chromium', 'fonts-noto-cjk'];

function hasCjkFont(): boolean {
  const fonts = spawnSync('fc-list', [], { encoding: 'utf8' });
  return fonts.status === 0 && /noto sans cjk/i.test(fonts.stdout);
}

function hasAptGet(): boolean {
  return spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
}

export async function ensureBrowser(): Promise<void> {
  if (fs.existsSync(CHROMIUM_PATH) && hasCjkFont()) return;
  const root = process.getuid?.() === 0;
  if (!root || !hasAptGet()) {
    throw new Error(
      `the browser tests need Chromium at ${CHROMIUM_PATH} and a CJK font: install them with ` +
        `\`sudo apt-get install ${PACKAGES.join(' ')}\` (or set CHROMIUM_PATH), then run npm test again`,
    );
  }
  const done = step(`installing ${PACKAGES.join(' and ')} (Debian packages) for the browser tests`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update', '-qq'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  await run('apt-get', ['install', '-y', '-qq', ...PACKAGES], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  done();
}

// Recorded workflow histories for the replay test. The end-to-end tests save the histories of the
// conversations they drive (when RECORD_HISTORIES=1); test/conversation/replay.test.ts replays
// every saved history against the current workflow code, so a non-deterministic change fails CI.
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';

export const HISTORIES_DIR = path.resolve(__dirname, '..', 'fixtures', 'histories');

export async function maybeRecordHistory(client: Client, workflowId: string, name: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  fs.mkdirSync(HISTORIES_DIR, { recursive: true });
  fs.writeFileSync(path.join(HISTORIES_DIR, `${name}.json`), JSON.stringify(history));
}

export function savedHistories(): { name: string; history: unknown }[] {
  if (!fs.existsSync(HISTORIES_DIR)) return [];
  return fs
    .readdirSync(HISTORIES_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({
      name: file.replace(/\.json$/, ''),
      history: JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, file), 'utf8')) as unknown,
    }));
}

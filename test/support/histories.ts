// Recorded workflow histories for the replay test. The end-to-end tests save the histories of the
// conversations they drive (when RECORD_HISTORIES=1), as protobuf-encoded History messages;
// test/conversation/replay.test.ts replays every saved history against the current workflow code,
// so a non-deterministic change fails CI.
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export const HISTORIES_DIR = path.resolve(__dirname, '..', 'fixtures', 'histories');
const History = temporal.api.history.v1.History;

/** Saves the workflow's history (its latest run, or the run given) when RECORD_HISTORIES=1. */
export async function maybeRecordHistory(
  client: Client,
  workflowId: string,
  name: string,
  runId?: string,
): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  fs.mkdirSync(HISTORIES_DIR, { recursive: true });
  fs.writeFileSync(
    path.join(HISTORIES_DIR, `${name}.history.pb`),
    History.encode(History.fromObject(history)).finish(),
  );
}

export function savedHistories(): { workflowId: string; history: temporal.api.history.v1.IHistory }[] {
  if (!fs.existsSync(HISTORIES_DIR)) return [];
  return fs
    .readdirSync(HISTORIES_DIR)
    .filter((file) => file.endsWith('.history.pb'))
    .sort()
    .map((file) => ({
      workflowId: file.replace(/\.history\.pb$/, ''),
      history: History.decode(fs.readFileSync(path.join(HISTORIES_DIR, file))),
    }));
}

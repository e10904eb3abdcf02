// Keeps agents' capacity honest: a conversation that ended abnormally (terminated, timed out,
// failed) could not release its agent's slot, so every few minutes the slots whose conversation no
// longer runs are freed. One per task queue, started by the worker; it continues as new daily.
import { continueAsNew, proxyActivities, sleep } from '@temporalio/workflow';
import type { RoutingActivities } from '../activities/routing';

export const SLOT_REAPER_WORKFLOW_ID = 'slot-reaper';

const { reclaimOrphanedSlots } = proxyActivities<RoutingActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute' },
});

export interface SlotReaperInput {
  everyMs?: number;
  /** A slot this young may belong to a conversation that is still starting. */
  graceMs?: number;
  roundsPerRun?: number;
}

export async function slotReaper(input: SlotReaperInput = {}): Promise<void> {
  const everyMs = input.everyMs ?? 5 * 60_000;
  const rounds = input.roundsPerRun ?? Math.max(1, Math.round((24 * 3600_000) / everyMs));
  for (let round = 0; round < rounds; round++) {
    await reclaimOrphanedSlots({ graceMs: input.graceMs ?? 60_000 });
    await sleep(everyMs);
  }
  await continueAsNew<typeof slotReaper>(input);
}

// The conversation's events into the KPI counters (domain/kpi.ts decides which counters and
// cells; db/kpiCounters.ts writes them). Called by the one write path (outbound.ts) with the events
// that were newly stored, so each event is counted once.
import { addCounts } from '../db/kpiCounters';
import { countEvent } from '../domain/kpi';
import type { EventRecord } from './outbound';

export async function countEvents(openKfId: string, events: EventRecord[]): Promise<void> {
  const updates = events.flatMap((event) => countEvent({ ...event, openKfId }) ?? []);
  if (updates.length > 0) await addCounts(updates);
}

// Whether every kf account's inbox can read WeCom: one whose sync has been failing for longer than
// a passing fault (a refused cursor it cannot recover from, a wrong secret) makes the api unhealthy,
// so a monitor notices customers are not being read instead of the console saying all is well.
import { KfAccountModel } from '../db/models/kfAccount';

/** Longer than the inbox's own retries of a passing fault (backoff up to 30 s). */
export const INBOX_FAILING_FOR_MS = 2 * 60_000;

export async function inboxHealth(now = Date.now()): Promise<{ ok: boolean; error?: string; failing?: string[] }> {
  try {
    const failing = await KfAccountModel.find(
      { syncFailingSince: { $lt: new Date(now - INBOX_FAILING_FOR_MS) } },
      { openKfId: 1, lastSyncError: 1 },
    ).lean();
    if (failing.length === 0) return { ok: true };
    return {
      ok: false,
      failing: failing.map((a) => a.openKfId),
      error: `kf inbox cannot sync: ${failing.map((a) => `${a.openKfId}: ${a.lastSyncError ?? 'failing'}`).join('; ')}`,
    };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

// The stack a fault test file runs against: the benchmark's stack (every process real and on its
// own free port, so any of them can be killed and started again), the sandbox's control API, a
// Temporal client, and the wait for "nothing left in flight" that comes before counting answers.
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startBenchStack, type BenchStack } from '../../../bench/stack';
import { onShutdown } from '../../../dev/lifeline';
import { storeBackend } from '../../../dev/store';
import { DATA_DIR } from '../../../dev/tools';
import { kfInboxWorkflowId } from '../../../workflows/conversationContract';

export interface FaultStack {
  stack: BenchStack;
  dir: string;
  /** POST to the sandbox's control API; the JSON answer. */
  control<T = unknown>(route: string, body?: unknown): Promise<T>;
  /**
   * Resolves once no workflow of the account has an activity pending or retrying (so nothing can
   * still send); rejects after the bound with what is still pending.
   */
  quiet(openKfId: string, timeoutMs: number): Promise<void>;
  close(ok: boolean): Promise<void>;
}

export async function startFaultStack(name: string): Promise<FaultStack> {
  const dir = path.join(DATA_DIR, `faults-${name}-${Date.now().toString(36).slice(-5)}`);
  const stack = await startBenchStack(dir, storeBackend());
  // An interrupted run (or a runner that is gone) must not leave a whole stack behind.
  onShutdown(() => void stack.stop().finally(() => process.exit(130)));
  let client: Client | undefined;
  try {
    // The bench's settings: no burst window, and a conversation the customer leaves stays open.
    // A closed session waits for its survey as long as in production, so the customer's question
    // after their thanks is forwarded by it to the next session.
    await stack.startApp({ database: 'faults' });
    client = new Client({ connection: await Connection.connect({ address: stack.temporalAddress }) });
  } catch (error) {
    await stack.stop();
    throw error;
  }
  const temporal = client;

  async function pending(openKfId: string): Promise<string[]> {
    const ids = [kfInboxWorkflowId(openKfId)];
    const query = `CsOpenKfId = "${openKfId}" AND ExecutionStatus = "Running"`;
    for await (const execution of temporal.workflow.list({ query })) ids.push(execution.workflowId);
    const busy: string[] = [];
    for (const workflowId of ids) {
      const description = await temporal.workflow
        .getHandle(workflowId)
        .describe()
        .catch(() => undefined);
      for (const activity of description?.raw.pendingActivities ?? [])
        busy.push(`${workflowId}: ${activity.activityType?.name} (attempt ${activity.attempt})`);
    }
    return busy;
  }

  return {
    stack,
    dir,
    async control<T>(route: string, body: unknown = {}) {
      const res = await fetch(`${stack.sandboxUrl}${route}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const json = (await res.json()) as T;
      if (!res.ok) throw new Error(`sandbox ${route}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    },
    async quiet(openKfId, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        // Temporal may still be coming back: a failed look-up is "not yet".
        const busy = await pending(openKfId).catch((error: unknown) => [`Temporal: ${(error as Error).message}`]);
        if (busy.length === 0) return;
        if (Date.now() > deadline)
          throw new Error(`still in flight after ${timeoutMs / 1000} s: ${busy.slice(0, 5).join('; ')}`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    },
    async close(ok) {
      await temporal.connection.close().catch(() => undefined);
      await stack.stop();
      // The logs stay for a failed run (.data/faults-*), named in the failure.
      if (ok) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// The Temporal client used by the api (and by tests and tools that start workflows).
import { Client, Connection } from '@temporalio/client';

export interface TemporalTarget {
  address: string;
  namespace: string;
}

/** A lazy connection: the api starts (and reports 503) even while Temporal is still coming up. */
export function createTemporalClient(target: TemporalTarget): Client {
  const connection = Connection.lazy({ address: target.address, connectTimeout: '3s' });
  return new Client({ connection, namespace: target.namespace });
}

export async function temporalHealth(client: Client, timeoutMs = 2000): Promise<{ ok: boolean; error?: string }> {
  try {
    await client.connection.withDeadline(Date.now() + timeoutMs, () => client.workflowService.getSystemInfo({}));
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message.split('\n')[0] };
  }
}

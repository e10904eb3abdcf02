// The Temporal client used by the api (and by tests and tools that start workflows).
import { Client, Connection } from '@temporalio/client';
import type { ClientInterceptors, TLSConfig } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';

export interface TemporalTarget {
  address: string;
  namespace: string;
  /** TLS or mTLS (temporal/connectionOptions.ts); undefined for plaintext. */
  tls?: TLSConfig;
  /** The payload codec, when payloads are encrypted. */
  dataConverter?: DataConverter;
  /** Temporal's OpenTelemetry interceptors when tracing is on (tracing/temporal.ts). */
  interceptors?: ClientInterceptors;
}

/** A lazy connection: the api starts (and reports 503) even while Temporal is still coming up. */
export function createTemporalClient(target: TemporalTarget): Client {
  const connection = Connection.lazy({ address: target.address, connectTimeout: '3s', tls: target.tls });
  return new Client({
    connection,
    namespace: target.namespace,
    dataConverter: target.dataConverter,
    interceptors: target.interceptors,
  });
}

export async function temporalHealth(client: Client, timeoutMs = 2000): Promise<{ ok: boolean; error?: string }> {
  try {
    await client.connection.withDeadline(Date.now() + timeoutMs, () => client.workflowService.getSystemInfo({}));
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message.split('\n')[0] };
  }
}

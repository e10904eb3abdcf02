// How the api, the worker and the tools reach Temporal, from the configuration: TLS or mTLS when
// configured (TEMPORAL_TLS_*, the names the Temporal CLI reads too), and the data converter that
// encrypts payloads when PAYLOAD_ENCRYPTION_KEYS is set.
import fs from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { Config } from '../config/env';
import { AesGcmPayloadCodec } from './payloadCodec';

export type TemporalSecurity = Pick<
  Config,
  | 'TEMPORAL_TLS'
  | 'TEMPORAL_TLS_SERVER_CA_CERT_PATH'
  | 'TEMPORAL_TLS_CLIENT_CERT_PATH'
  | 'TEMPORAL_TLS_CLIENT_KEY_PATH'
  | 'TEMPORAL_TLS_SERVER_NAME'
  | 'PAYLOAD_ENCRYPTION_KEYS'
>;

/** undefined for a plaintext connection (the local dev server). */
export function temporalTls(config: TemporalSecurity): TLSConfig | undefined {
  const wanted =
    config.TEMPORAL_TLS === 'true' ||
    Boolean(config.TEMPORAL_TLS_SERVER_CA_CERT_PATH || config.TEMPORAL_TLS_CLIENT_CERT_PATH);
  if (!wanted) return undefined;
  return {
    ...(config.TEMPORAL_TLS_SERVER_CA_CERT_PATH
      ? { serverRootCACertificate: fs.readFileSync(config.TEMPORAL_TLS_SERVER_CA_CERT_PATH) }
      : {}),
    ...(config.TEMPORAL_TLS_CLIENT_CERT_PATH && config.TEMPORAL_TLS_CLIENT_KEY_PATH
      ? {
          clientCertPair: {
            crt: fs.readFileSync(config.TEMPORAL_TLS_CLIENT_CERT_PATH),
            key: fs.readFileSync(config.TEMPORAL_TLS_CLIENT_KEY_PATH),
          },
        }
      : {}),
    ...(config.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: config.TEMPORAL_TLS_SERVER_NAME } : {}),
  };
}

export function payloadCodec(config: TemporalSecurity): AesGcmPayloadCodec | undefined {
  return config.PAYLOAD_ENCRYPTION_KEYS ? new AesGcmPayloadCodec(config.PAYLOAD_ENCRYPTION_KEYS) : undefined;
}

/** For clients and workers alike; undefined keeps the SDK's default (plain JSON payloads). */
export function dataConverter(config: TemporalSecurity): DataConverter | undefined {
  const codec = payloadCodec(config);
  return codec ? { payloadCodecs: [codec] } : undefined;
}

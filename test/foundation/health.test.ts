// /healthz reports 503 and names the dependency that is down; it is not a constant 200.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../api/app';
import { createTemporalClient } from '../../api/temporal';
import { loadConfig } from '../../config/env';
import { createLogger } from '../../config/logger';
import { connectTestMongo, dropTestMongo } from '../support/servers';

describe('/healthz with dependencies down', () => {
  let server: Server;
  let baseUrl: string;
  const deadTemporal = createTemporalClient({ address: '127.0.0.1:1', namespace: 'default' });

  before(async () => {
    const app = createApp({ config: loadConfig({}), temporal: deadTemporal, log: createLogger('test', 'silent') });
    server = app.listen(0);
    await new Promise((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.close();
    await dropTestMongo();
  });

  it('answers 503 with both dependencies down', async () => {
    const res = await fetch(`${baseUrl}/healthz`);
    assert.equal(res.status, 503);
    const body = (await res.json()) as {
      status: string;
      dependencies: Record<string, { ok: boolean; error?: string }>;
    };
    assert.equal(body.status, 'degraded');
    assert.equal(body.dependencies.mongodb?.ok, false);
    assert.equal(body.dependencies.temporal?.ok, false);
    assert.ok(body.dependencies.temporal?.error, 'says why');
  });

  it('answers 503 naming only Temporal once MongoDB is up', async () => {
    await connectTestMongo('health');
    const res = await fetch(`${baseUrl}/healthz`);
    assert.equal(res.status, 503);
    const body = (await res.json()) as { dependencies: Record<string, { ok: boolean }> };
    assert.equal(body.dependencies.mongodb?.ok, true);
    assert.equal(body.dependencies.temporal?.ok, false);
  });

  it('reports the embedding server without failing on it: the bot answers lexically meanwhile', async () => {
    const app = createApp({
      config: loadConfig({ EMBEDDINGS_BASE_URL: 'http://127.0.0.1:1/v1' }),
      temporal: deadTemporal,
      log: createLogger('test', 'silent'),
    });
    const other = app.listen(0);
    await new Promise((resolve) => other.once('listening', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(other.address() as AddressInfo).port}/healthz`);
      const body = (await res.json()) as {
        dependencies: Record<string, { ok: boolean; configured?: boolean; error?: string }>;
      };
      assert.equal(body.dependencies.embeddings?.ok, false);
      assert.equal(body.dependencies.embeddings?.configured, true);
      assert.ok(body.dependencies.embeddings?.error, 'says why');
    } finally {
      other.close();
    }
  });
});

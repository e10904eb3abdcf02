// The Temporal UI through the api (TEMPORAL_UI_UPSTREAM): a real Temporal dev server's UI, served
// under /temporal/ to signed-in supervisors only, with the codec endpoint on the same origin.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../api/app';
import { createTemporalClient } from '../../api/temporal';
import { loadConfig } from '../../config/env';
import { createLogger } from '../../config/logger';
import { freePort, startTemporal, type Service } from '../../dev/services';
import { connectTestMongo, dropTestMongo } from '../support/servers';
import { ensureUser, tokenFor } from '../support/users';

describe('the Temporal UI through the api', () => {
  let temporal: Service;
  let server: Server;
  let apiUrl: string;

  before(async () => {
    await connectTestMongo('temporalui');
    const [apiPort, grpcPort, uiPort] = [await freePort(), await freePort(), await freePort()];
    apiUrl = `http://127.0.0.1:${apiPort}`;
    const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-ui-'));
    temporal = await startTemporal({
      port: grpcPort,
      uiPort,
      uiPublicPath: '/temporal',
      uiCodecEndpoint: `${apiUrl}/api/codec`,
      dbFile: undefined,
      namespace: 'default',
      output: { file: path.join(logDir, 'temporal.log') },
    });
    const config = loadConfig({
      ...process.env,
      PORT: String(apiPort),
      TEMPORAL_UI_UPSTREAM: `http://127.0.0.1:${uiPort}`,
      TEMPORAL_UI_URL: `${apiUrl}/temporal/`,
    });
    const app = createApp({
      config,
      temporal: createTemporalClient({ address: `127.0.0.1:${grpcPort}`, namespace: 'default' }),
      log: createLogger('test', 'silent'),
    });
    server = app.listen(apiPort, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
  });
  after(async () => {
    server?.close();
    await temporal?.stop();
    await dropTestMongo();
  });

  const get = (target: string, headers: Record<string, string> = {}) =>
    fetch(`${apiUrl}${target}`, { redirect: 'manual', headers });

  it('sends a browser that is not signed in to the sign-in page, and refuses agents', async () => {
    const page = await get('/temporal/', { accept: 'text/html' });
    assert.equal(page.status, 302);
    assert.equal(page.headers.get('location'), '/console/login.html?next=%2Ftemporal%2F');
    assert.equal((await get('/temporal/api/v1/namespaces', { accept: 'application/json' })).status, 401);
    const agent = await tokenFor({ userId: 'ui-agent', role: 'agent' });
    assert.equal((await get('/temporal/', { authorization: `Bearer ${agent}` })).status, 403);
  });

  it('serves the UI and its API to a supervisor, pointed at our codec endpoint', async () => {
    await ensureUser({ userId: 'ui-sup', role: 'supervisor' });
    const auth = { authorization: `Bearer ${await tokenFor({ userId: 'ui-sup', role: 'supervisor' })}` };
    const page = await get('/temporal/', auth);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(page.headers.get('content-security-policy'), null, 'the UI keeps its own headers');
    const settings = (await (await get('/temporal/api/v1/settings', auth)).json()) as { Codec: { Endpoint: string } };
    assert.equal(settings.Codec.Endpoint, `${apiUrl}/api/codec`);
    const namespaces = (await (await get('/temporal/api/v1/namespaces', auth)).json()) as {
      namespaces: { namespaceInfo: { name: string } }[];
    };
    assert.ok(namespaces.namespaces.some((n) => n.namespaceInfo.name === 'default'));
  });
});

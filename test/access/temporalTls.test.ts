// The api and the worker reach Temporal over mTLS when TEMPORAL_TLS_* says so: here through a TLS
// proxy in front of the test server that demands a client certificate from our CA. The echo slice
// runs api → Temporal → worker across it; a client without the right certificate is refused.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createEchoActivities } from '../../activities/echo';
import { createApp } from '../../api/app';
import { createTemporalClient } from '../../api/temporal';
import { loadConfig, type Config } from '../../config/env';
import { createLogger } from '../../config/logger';
import { temporalTls } from '../../temporal/connectionOptions';
import { createWorker } from '../../worker/createWorker';
import {
  connectTestMongo,
  dropTestMongo,
  installTestRuntime,
  requireEnv,
  uniqueTaskQueue,
  workflowBundle,
} from '../support/servers';
import { randomAdminToken } from '../support/users';

const CERTS = path.resolve(__dirname, '..', 'fixtures', 'tls');
const cert = (name: string) => path.join(CERTS, name);

describe('TLS and mTLS to Temporal', () => {
  const peers: string[] = [];
  let proxy: tls.Server;
  let address: string;
  let config: Config;

  before(async () => {
    await connectTestMongo('tls');
    const [host, port] = requireEnv('TEMPORAL_ADDRESS').split(':') as [string, string];
    proxy = tls.createServer(
      {
        key: fs.readFileSync(cert('server.key')),
        cert: fs.readFileSync(cert('server.pem')),
        ca: fs.readFileSync(cert('ca.pem')),
        requestCert: true,
        rejectUnauthorized: true,
        ALPNProtocols: ['h2'],
      },
      (socket) => {
        peers.push(String(socket.getPeerCertificate().subject.CN));
        const upstream = net.connect(Number(port), host);
        socket.pipe(upstream).pipe(socket);
        const close = () => (socket.destroy(), upstream.destroy());
        socket.on('error', close);
        upstream.on('error', close);
      },
    );
    proxy.listen(0, '127.0.0.1');
    await new Promise((resolve) => proxy.once('listening', resolve));
    address = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    config = loadConfig({
      ...process.env,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: cert('ca.pem'),
      TEMPORAL_TLS_CLIENT_CERT_PATH: cert('client.pem'),
      TEMPORAL_TLS_CLIENT_KEY_PATH: cert('client.key'),
      TEMPORAL_TLS_SERVER_NAME: 'temporal.test',
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('tls'),
    });
  });
  after(async () => {
    proxy?.close();
    await dropTestMongo();
  });

  it('api and worker run the echo slice over mTLS', async () => {
    installTestRuntime();
    const tlsConfig = temporalTls(config);
    assert.ok(tlsConfig?.clientCertPair && tlsConfig.serverRootCACertificate);
    const connection = await NativeConnection.connect({ address, tls: tlsConfig });
    let worker: Worker | undefined;
    let server: Server | undefined;
    const temporal = createTemporalClient({ address, namespace: config.TEMPORAL_NAMESPACE, tls: tlsConfig });
    try {
      worker = await createWorker({
        connection,
        namespace: config.TEMPORAL_NAMESPACE,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        workflowBundle: await workflowBundle(),
        activities: createEchoActivities(),
      });
      const running = worker.run();
      const adminToken = randomAdminToken();
      const app = createApp({
        config: { ...config, ADMIN_API_TOKEN: adminToken },
        temporal,
        log: createLogger('test', 'silent'),
      });
      server = app.listen(0);
      await new Promise((resolve) => server!.once('listening', resolve));
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/dev/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({ text: 'over mTLS' }),
      });
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal(((await res.json()) as { text: string }).text, 'over mTLS');
      worker.shutdown();
      await running;
    } finally {
      server?.close();
      await temporal.connection.close();
      await connection.close();
    }
    assert.ok(peers.filter((cn) => cn === 'cs-worker').length >= 2, `both sides came through the proxy: ${peers}`);
  });

  it('refuses a client with no certificate, one from another CA, or plaintext', async () => {
    const attempt = (options: Parameters<typeof Connection.connect>[0]) =>
      Connection.connect({ address, connectTimeout: '2s', ...options }).then(async (c) => {
        await c.workflowService.getSystemInfo({});
        await c.close();
      });
    const ca = fs.readFileSync(cert('ca.pem'));
    await assert.rejects(attempt({ tls: { serverRootCACertificate: ca, serverNameOverride: 'temporal.test' } }));
    await assert.rejects(
      attempt({
        tls: {
          serverRootCACertificate: ca,
          serverNameOverride: 'temporal.test',
          clientCertPair: { crt: fs.readFileSync(cert('stranger.pem')), key: fs.readFileSync(cert('stranger.key')) },
        },
      }),
    );
    await assert.rejects(attempt({}));
    await attempt({ tls: temporalTls(config) }); // and the configured one still works
  });
});

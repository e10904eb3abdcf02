// The callback path end to end over real HTTP: sandbox customer message → encrypted callback → api
// verifies and decrypts → a stub consumer syncs with the token and replies with a msgid derived
// from the inbound one → the customer sees the reply exactly once, even with duplicate callbacks.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createApp } from '../../api/app';
import { createTemporalClient } from '../../api/temporal';
import { loadConfig } from '../../config/env';
import { createLogger } from '../../config/logger';
import { WecomClient } from '../../wecom/client';
import { encryptPayload, signatureFor } from '../../wecom/crypto';
import { WecomApiError } from '../../wecom/errors';
import { OPEN_KFID, sandboxCredentials, startSandbox, type RunningSandbox } from '../support/sandbox';

describe('WeCom callback → api → sync → reply', () => {
  let sandbox: RunningSandbox;
  let server: Server;
  let apiUrl: string;
  let client: WecomClient;
  const sinkCalls: { openKfId: string; token?: string }[] = [];

  /** A stand-in for the inbox workflow: reads from the start every time (no cursor kept), so
   * duplicate callbacks really do see the same message twice; the msgid keeps the reply single. */
  async function stubConsumer(event: { openKfId: string; token?: string }) {
    sinkCalls.push(event);
    const page = await client.syncMsg({ open_kfid: event.openKfId, token: event.token });
    for (const message of page.msg_list) {
      if (message.origin !== 3 || message.msgtype !== 'text') continue;
      const content = (message.text as { content: string }).content;
      try {
        await client.sendText({
          touser: message.external_userid as string,
          open_kfid: event.openKfId,
          msgid: `re_${message.msgid}`.slice(0, 32),
          content: `收到：${content}`,
        });
      } catch (error) {
        if (!(error instanceof WecomApiError && error.errcode === 95999)) throw error;
      }
    }
  }

  before(async () => {
    sandbox = await startSandbox();
    const config = loadConfig({
      WECOM_CORP_ID: sandboxCredentials.corpId,
      WECOM_SECRET: sandboxCredentials.secret,
      WECOM_TOKEN: sandboxCredentials.token,
      WECOM_ENCODING_AES_KEY: sandboxCredentials.encodingAesKey,
      WECOM_API_BASE: sandbox.url,
    });
    client = new WecomClient({ baseUrl: sandbox.url, corpId: config.wecom!.corpId, secret: config.wecom!.secret });
    const app = createApp({
      config,
      temporal: createTemporalClient({ address: '127.0.0.1:1', namespace: 'default' }),
      log: createLogger('test', 'silent'),
      wecomSink: stubConsumer,
    });
    server = app.listen(0);
    await new Promise((resolve) => server.once('listening', resolve));
    apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await sandbox.control('/sandbox/callbacks', { url: `${apiUrl}/wecom/callback` });
  });
  beforeEach(() => {
    sinkCalls.length = 0;
  });
  after(async () => {
    server.close();
    await sandbox.close();
  });

  it('answers URL verification with the decrypted echostr', async () => {
    const echostr = encryptPayload(sandboxCredentials, '1288432023552776189');
    const timestamp = String(Math.floor(Date.now() / 1000));
    const query = new URLSearchParams({
      msg_signature: signatureFor(sandboxCredentials.token, timestamp, 'n1', echostr),
      timestamp,
      nonce: 'n1',
      echostr,
    });
    const res = await fetch(`${apiUrl}/wecom/callback?${query}`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '1288432023552776189');
  });

  it('refuses a URL verification with a stale timestamp, as it refuses a stale callback', async () => {
    const echostr = encryptPayload(sandboxCredentials, '1288432023552776189');
    const verify = (timestamp: string) => {
      const query = new URLSearchParams({
        msg_signature: signatureFor(sandboxCredentials.token, timestamp, 'n2', echostr),
        timestamp,
        nonce: 'n2',
        echostr,
      });
      return fetch(`${apiUrl}/wecom/callback?${query}`);
    };
    const stale = await verify(String(Math.floor(Date.now() / 1000) - 301));
    assert.equal(stale.status, 403);
    assert.equal(await stale.text(), 'stale timestamp');
    assert.equal((await verify(String(Math.floor(Date.now() / 1000) - 290))).status, 200, 'inside the window');
  });

  it('replies once to a customer message, even when WeCom delivers the callback twice', async () => {
    await sandbox.control('/sandbox/callbacks', { copies: 2 });
    const started = Date.now();
    const sent = await sandbox.control<{ callbacks: number[] }>('/sandbox/customers/wmCallback1/messages', {
      text: '你好',
    });
    assert.deepEqual(sent.callbacks, [200, 200], 'both copies answered success');
    assert.ok(Date.now() - started < 1000, 'answered well within WeCom’s 5 s');
    assert.equal(sinkCalls.length, 2);
    assert.ok(sinkCalls.every((c) => c.openKfId === OPEN_KFID && c.token));
    const inbox = await sandbox.inbox('wmCallback1');
    assert.deepEqual(
      inbox.map((m) => m.content),
      ['收到：你好'],
    );
    await sandbox.control('/sandbox/callbacks', { copies: 1 });
  });

  it('refuses a tampered signature with 403 and syncs nothing', async () => {
    const before = sandbox.calls.filter((c) => c.path === 'kf/sync_msg').length;
    const encrypted = encryptPayload(
      sandboxCredentials,
      '<xml><ToUserName>x</ToUserName><CreateTime>1</CreateTime><MsgType>event</MsgType><Event>kf_msg_or_event</Event><Token>t</Token><OpenKfId>wkX</OpenKfId></xml>',
    );
    const timestamp = String(Math.floor(Date.now() / 1000));
    const query = new URLSearchParams({ msg_signature: '0'.repeat(40), timestamp, nonce: 'n' });
    const res = await fetch(`${apiUrl}/wecom/callback?${query}`, {
      method: 'POST',
      body: `<xml><Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>`,
    });
    assert.equal(res.status, 403);
    assert.equal(sinkCalls.length, 0);
    assert.equal(sandbox.calls.filter((c) => c.path === 'kf/sync_msg').length, before);
  });

  const post = (body: string, encrypted: string, timestamp = String(Math.floor(Date.now() / 1000))) => {
    const query = new URLSearchParams({
      msg_signature: signatureFor(sandboxCredentials.token, timestamp, 'n', encrypted),
      timestamp,
      nonce: 'n',
    });
    return fetch(`${apiUrl}/wecom/callback?${query}`, { method: 'POST', body });
  };

  it('refuses bad ciphertext, bad XML, a stale timestamp and an oversized body, starting nothing', async () => {
    const garbage = Buffer.alloc(64, 1).toString('base64');
    assert.equal((await post(`<xml><Encrypt>${garbage}</Encrypt></xml>`, garbage)).status, 400);
    assert.equal((await post('<xml><Encrypt>unclosed', 'x')).status, 400);
    assert.equal((await post('<nothing/>', '')).status, 400);
    const good = encryptPayload(
      sandboxCredentials,
      '<xml><ToUserName>c</ToUserName><CreateTime>1</CreateTime><MsgType>event</MsgType><Event>kf_msg_or_event</Event><OpenKfId>wkA</OpenKfId></xml>',
    );
    assert.equal((await post(`<xml><Encrypt>${good}</Encrypt></xml>`, good, '1000000000')).status, 403);
    assert.equal((await post(`<xml><Encrypt>${'A'.repeat(100_000)}</Encrypt></xml>`, 'x')).status, 413);
    assert.equal(sinkCalls.length, 0);
  });

  it('answers 500 when the hand-off fails, so WeCom retries', async () => {
    const app = createApp({
      config: loadConfig({
        WECOM_CORP_ID: sandboxCredentials.corpId,
        WECOM_SECRET: 's',
        WECOM_TOKEN: sandboxCredentials.token,
        WECOM_ENCODING_AES_KEY: sandboxCredentials.encodingAesKey,
      }),
      temporal: createTemporalClient({ address: '127.0.0.1:1', namespace: 'default' }),
      log: createLogger('test', 'silent'),
      wecomSink: () => Promise.reject(new Error('Temporal down')),
    });
    const failing = app.listen(0);
    await new Promise((resolve) => failing.once('listening', resolve));
    await sandbox.control('/sandbox/callbacks', {
      url: `http://127.0.0.1:${(failing.address() as AddressInfo).port}/wecom/callback`,
    });
    const sent = await sandbox.control<{ callbacks: number[] }>('/sandbox/customers/wmCallback2/messages', {
      text: '在吗',
    });
    assert.deepEqual(sent.callbacks, [500]);
    failing.close();
    await sandbox.control('/sandbox/callbacks', { url: `${apiUrl}/wecom/callback` });
  });
});

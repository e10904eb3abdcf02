// Workflow payloads are encrypted (AES-256-GCM) with the configured key: the Temporal CLI shows no
// customer text, the api's codec endpoint decodes it for signed-in supervisors only (the Temporal
// UI and `temporal --codec-endpoint` use it), and rotated-out keys keep old payloads readable.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { Payload } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';
import { ensureUser } from '../support/users';
import { TEMPORAL_BIN } from '../../dev/tools';
import { AesGcmPayloadCodec, PayloadDecryptionError } from '../../temporal/payloadCodec';
import { parseKeyRing } from '../../temporal/keyRing';
import { startStack, type Stack } from '../support/stack';
import { kfInboxWorkflowId } from '../../workflows/conversationContract';

const run = promisify(execFile);
const key = () => randomBytes(32).toString('base64');

describe('payload codec', () => {
  it('round-trips, names its key, and refuses tampering', async () => {
    const codec = new AesGcmPayloadCodec(parseKeyRing(`2026-11:${key()}`));
    const plain = defaultPayloadConverter.toPayload({ text: '门锁打不开' })!;
    const [sealed] = await codec.encode([plain]);
    assert.equal(Buffer.from(sealed!.metadata!.encoding!).toString(), 'binary/encrypted');
    assert.equal(Buffer.from(sealed!.metadata!['encryption-key-id']!).toString(), '2026-11');
    assert.ok(!Buffer.from(sealed!.data!).toString('utf8').includes('门锁'));
    assert.deepEqual(defaultPayloadConverter.fromPayload((await codec.decode([sealed!]))[0]!), { text: '门锁打不开' });

    const tampered = { ...sealed!, data: Buffer.from(sealed!.data!).map((b, i) => (i === 20 ? b ^ 1 : b)) };
    await assert.rejects(codec.decode([tampered]), PayloadDecryptionError);
    const relabelled: Payload = {
      ...sealed!,
      metadata: { ...sealed!.metadata, 'encryption-key-id': Buffer.from('other') },
    };
    await assert.rejects(codec.decode([relabelled]), /key "other", which is not configured/);
  });

  it('after a rotation, new payloads use the new key and old ones still decrypt', async () => {
    const [oldKey, newKey] = [key(), key()];
    const before = new AesGcmPayloadCodec(parseKeyRing(`k1:${oldKey}`));
    const after = new AesGcmPayloadCodec(parseKeyRing(`k2:${newKey},k1:${oldKey}`));
    const payload = defaultPayloadConverter.toPayload('客户的消息')!;
    const [old] = await before.encode([payload]);
    const [fresh] = await after.encode([payload]);
    assert.equal(Buffer.from(fresh!.metadata!['encryption-key-id']!).toString(), 'k2');
    assert.equal(defaultPayloadConverter.fromPayload((await after.decode([old!]))[0]!), '客户的消息');
    const dropped = new AesGcmPayloadCodec(parseKeyRing(`k2:${newKey}`));
    await assert.rejects(dropped.decode([old!]), /key "k1", which is not configured/);
  });

  describe('on a running stack with PAYLOAD_ENCRYPTION_KEYS set', () => {
    const customerText = '我家门锁密码忘了，电话13912345678，地址幸福路8号';
    let stack: Stack;
    let conversationId: string;
    let supervisorToken: string;
    let agentToken: string;

    before(async () => {
      stack = await startStack({ env: { PAYLOAD_ENCRYPTION_KEYS: `k2026:${key()}` } });
      await stack.say('wmSecret1', customerText);
      conversationId = await stack.conversationOf('wmSecret1');
      await stack.until(
        'the bot has answered',
        () => stack.received('wmSecret1'),
        (m) => m.length > 0,
      );
      for (const [userId, role] of [
        ['sup-codec', 'supervisor'],
        ['agent-codec', 'agent'],
      ] as const)
        await ensureUser({ userId, role });
      supervisorToken = (
        await stack.api<{ token: string }>('POST', '/api/tokens', { name: 'cli', userId: 'sup-codec' })
      ).body.token;
      agentToken = (await stack.api<{ token: string }>('POST', '/api/tokens', { name: 'cli', userId: 'agent-codec' }))
        .body.token;
    });
    after(() => stack?.close());

    const show = async (workflowId: string, ...codec: string[]) => {
      const { stdout } = await run(
        TEMPORAL_BIN,
        [
          'workflow',
          'show',
          '--workflow-id',
          workflowId,
          '--address',
          stack.config.TEMPORAL_ADDRESS,
          '-o',
          'json',
          ...codec,
        ],
        { maxBuffer: 64 * 1024 * 1024, env: { PATH: process.env.PATH ?? '' } },
      );
      // JSON output carries each payload's bytes in base64: read them too, as a person would.
      const decoded = [...stdout.matchAll(/"data":\s*"([A-Za-z0-9+/=]+)"/g)].map((m) =>
        Buffer.from(m[1]!, 'base64').toString('utf8'),
      );
      return [stdout, ...decoded].join('\n');
    };
    const codecFlags = (token: string) => [
      '--codec-endpoint',
      `${stack.apiUrl}/api/codec`,
      '--codec-auth',
      `Bearer ${token}`,
    ];

    it('`temporal workflow show` shows no customer text, in the conversation or the kf inbox', async () => {
      for (const workflowId of [conversationId, kfInboxWorkflowId(stack.openKfId)]) {
        const history = await show(workflowId);
        assert.ok(
          history.includes('binary/encrypted') || history.includes('YmluYXJ5L2VuY3J5cHRlZA'),
          `${workflowId} is encrypted`,
        );
        for (const fragment of ['门锁密码', '13912345678', '幸福路'])
          assert.ok(!history.includes(fragment), `${workflowId}: ${fragment}`);
      }
    });

    it('the api’s codec endpoint lets a supervisor’s CLI read it, and nobody else', async () => {
      const readable = await show(conversationId, ...codecFlags(supervisorToken));
      assert.ok(readable.includes('门锁密码忘了'), 'decoded through /api/codec for a supervisor');
      const refused = await show(conversationId, ...codecFlags(agentToken)).catch(
        (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
      );
      assert.ok(!refused.includes('门锁密码'), 'an agent’s token gets no plaintext');
    });

    it('decodes over HTTP for a signed-in supervisor, 403 for an agent, 401 for anyone else; CORS only for the Temporal UI', async () => {
      const history = await stack.client.workflow.getHandle(conversationId).fetchHistory();
      const signal = history.events!.find((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'inbound')!;
      const payloads = signal.workflowExecutionSignaledEventAttributes!.input!.payloads!.map((p) => ({
        metadata: Object.fromEntries(
          Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
        ),
        data: Buffer.from(p.data!).toString('base64'),
      }));
      const decode = (headers: Record<string, string>) =>
        fetch(`${stack.apiUrl}/api/codec/decode`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
          body: JSON.stringify({ payloads }),
        });

      await ensureUser({ userId: 'sup-web', role: 'supervisor', password: 'supervisor password' });
      const login = await fetch(`${stack.apiUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 'sup-web', password: 'supervisor password' }),
      });
      const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
      const uiOrigin = new URL(stack.config.TEMPORAL_UI_URL).origin;
      const decoded = await decode({ cookie, origin: uiOrigin });
      assert.equal(decoded.status, 200);
      assert.equal(decoded.headers.get('access-control-allow-origin'), uiOrigin);
      assert.equal(decoded.headers.get('access-control-allow-credentials'), 'true');
      const body = (await decoded.json()) as { payloads: { data: string }[] };
      assert.ok(Buffer.from(body.payloads[0]!.data, 'base64').toString('utf8').includes(customerText));

      assert.equal((await decode({ authorization: `Bearer ${agentToken}` })).status, 403);
      assert.equal((await decode({})).status, 401);
      const evil = await decode({ cookie, origin: 'https://evil.example' });
      assert.equal(evil.status, 403, 'a cookie from another site’s page');
      assert.equal(evil.headers.get('access-control-allow-origin'), null);

      const preflight = await fetch(`${stack.apiUrl}/api/codec/decode`, {
        method: 'OPTIONS',
        headers: {
          origin: uiOrigin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace',
        },
      });
      assert.equal(preflight.status, 204);
      assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /x-namespace/);
    });
  });
});

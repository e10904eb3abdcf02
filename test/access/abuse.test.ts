// Bad input and abuse: a 100 kB customer message is cut and still answered; bodies, notes, KB
// entries, ticket histories and lists are bounded; every answer carries the security headers;
// a request for another Host is refused.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { cutText, MAX_INBOUND_TEXT_CHARS } from '../../activities/kfMessage';
import { MessageModel } from '../../db/models/message';
import { TicketModel } from '../../db/models/ticket';
import { startStack, type Stack } from '../support/stack';

describe('bad input and abuse', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack?.close());

  it('cuts a text at a code point, never through a surrogate pair', () => {
    assert.equal(cutText('短消息', 10), '短消息');
    assert.equal(cutText('abcdef', 3), 'abc…');
    assert.equal(cutText('ab😀cd', 3), 'ab…', 'the emoji is dropped whole');
  });

  it('a 100 kB customer message is cut and still answered', async () => {
    const customer = 'wmHuge1';
    const huge = `满多少包邮？${'。'.repeat(100_000)}`;
    assert.ok(Buffer.byteLength(huge) > 100_000);
    await stack.say(customer, huge);
    const received = await stack.until(
      'the answer',
      () => stack.received(customer),
      (m) => m.some((x) => x.includes('99元')),
    );
    assert.ok(received.length > 0);
    const stored = await stack.until(
      'the stored message',
      () => MessageModel.findOne({ externalUserId: customer, from: 'customer' }).lean(),
      (m) => m !== null,
    );
    assert.equal(stored!.text!.length, MAX_INBOUND_TEXT_CHARS + 1);
    assert.ok(stored!.text!.startsWith('满多少包邮？') && stored!.text!.endsWith('…'));
    const snapshot = await stack.snapshot(await stack.conversationOf(customer));
    assert.ok(snapshot.transcriptTail.every((t) => t.text.length <= MAX_INBOUND_TEXT_CHARS + 1));
  });

  it('refuses oversized bodies, notes and KB entries', async () => {
    const big = await fetch(`${stack.apiUrl}/api/kb/entries/huge`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.adminToken}` },
      body: JSON.stringify({ skill: 'x', question: 'q', answer: 'a'.repeat(70_000) }),
    });
    assert.equal(big.status, 413);
    const answer = '很长的回答'.repeat(140); // 700 characters, 2100 bytes: over one WeCom message
    const entry = await stack.api<{ error: string }>('PUT', '/api/kb/entries/too-long', {
      skill: 'x',
      question: 'q',
      answer,
    });
    assert.equal(entry.status, 400);
    assert.match(entry.body.error, /answer/);
    const similar = await stack.api('PUT', '/api/kb/entries/too-many', {
      skill: 'x',
      question: 'q',
      answer: 'a',
      similar: Array.from({ length: 51 }, (_, i) => `问法${i}`),
    });
    assert.equal(similar.status, 400);

    const now = new Date();
    await TicketModel.create({
      ticketId: 'abuse-1',
      ticketNo: 'T20260101-9001',
      conversationId: 'conv:x:y:1',
      openKfId: 'wkX',
      externalUserId: 'wmX',
      title: 'a ticket with a long life',
      dueAt: now,
      createdAt: now,
      history: Array.from({ length: 100 }, () => ({ at: now, status: 'in_progress', note: '跟进' })),
    });
    const note = await stack.api('POST', '/api/tickets/T20260101-9001/status', {
      status: 'open',
      note: 'x'.repeat(501),
    });
    assert.equal(note.status, 400);
    const full = await stack.api<{ error: string }>('POST', '/api/tickets/T20260101-9001/status', { status: 'closed' });
    assert.equal(full.status, 409);
    assert.match(full.body.error, /100 changes/);
  });

  it('pages every list with a bounded limit', async () => {
    for (const [path, max] of [
      ['/api/conversations', 200],
      ['/api/tickets', 200],
      ['/api/kb/entries', 500],
      ['/api/users', 500],
      ['/api/agents', 500],
      ['/api/tokens', 500],
    ] as const) {
      assert.equal((await stack.api('GET', `${path}?limit=${max + 1}`)).status, 400, path);
      assert.equal((await stack.api('GET', `${path}?limit=${max}`)).status, 200, path);
    }
    const page = await stack.api<{ entryId: string }[]>('GET', '/api/kb/entries?limit=2&offset=1');
    const all = await stack.api<{ entryId: string }[]>('GET', '/api/kb/entries?limit=3');
    assert.deepEqual(
      page.body.map((e) => e.entryId),
      all.body.slice(1, 3).map((e) => e.entryId),
    );
  });

  it('sends the security headers on pages and API answers', async () => {
    for (const path of ['/console/workspace.html', '/api/openapi.json', '/api/conversations']) {
      const res = await fetch(`${stack.apiUrl}${path}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'self'/, path);
      assert.match(csp, /script-src 'self'(;|$)/, `${path}: no inline scripts`);
      assert.match(
        csp,
        /frame-ancestors 'self' https:\/\/work\.weixin\.qq\.com https:\/\/\*\.work\.weixin\.qq\.com/,
        path,
      );
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(res.headers.get('x-powered-by'), null, path);
    }
  });

  it('answers only for its own host names', async () => {
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const url = new URL(`${stack.apiUrl}/healthz`);
        http
          .get({ hostname: url.hostname, port: url.port, path: url.pathname, headers: { host } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          })
          .on('error', reject);
      });
    assert.equal(await status('evil.example'), 421);
    assert.equal(await status('attacker.example:80'), 421);
    assert.equal(await status(`127.0.0.1:${new URL(stack.apiUrl).port}`), 200);
    assert.equal(await status('localhost'), 200);
  });
});

// The LLM adapter against a small local OpenAI-compatible server (the only stand-in: no real
// endpoint is reachable here): grounded rewriting, classification, summaries, masking of personal
// data before it leaves, and fallback on errors and timeouts.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { LlmAssistant } from '../../bot/llm';
import { maskPersonalData } from '../../bot/mask';

describe('LLM adapter', () => {
  let server: http.Server;
  let baseURL: string;
  let mode: 'ok' | 'error' | 'slow' = 'ok';
  let reply = '';
  const seen: { model: string; messages: { role: string; content: string }[] }[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        if (req.url !== '/v1/chat/completions') return void res.writeHead(404).end();
        seen.push(JSON.parse(body));
        if (mode === 'error')
          return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"boom"}}');
        const send = () =>
          res.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              id: 'c1',
              object: 'chat.completion',
              created: 1,
              model: 'test-model',
              choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: reply } }],
            }),
          );
        if (mode === 'slow') setTimeout(send, 1500);
        else send();
      });
    });
    server.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  beforeEach(() => {
    mode = 'ok';
    seen.length = 0;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const llm = () => new LlmAssistant({ baseURL, apiKey: 'k', model: 'test-model', timeoutMs: 500 });

  it('rewrites an answer from the retrieved entries only', async () => {
    reply = '您好，签收后7天内可以无理由退货。';
    const text = await llm().rewriteAnswer('我想退货', [
      { question: '七天无理由退货怎么申请？', answer: '签收后7天内…' },
    ]);
    assert.equal(text, reply);
    assert.equal(seen[0]?.model, 'test-model');
    assert.match(seen[0]!.messages[1]!.content, /七天无理由退货怎么申请/);
    reply = 'NO_ANSWER';
    assert.equal(await llm().rewriteAnswer('别的问题', []), undefined);
  });

  it('masks phone numbers, ID numbers, emails and addresses before sending', async () => {
    reply = '摘要';
    await llm().summarize('customer_request', [
      {
        msgid: '1',
        at: 0,
        from: 'customer',
        text: '我电话13812345678，身份证110101199003074513，邮箱a.b@example.com，地址北京市朝阳区建国路88号',
      },
    ]);
    const sent = seen[0]!.messages[1]!.content;
    for (const secret of ['13812345678', '110101199003074513', 'a.b@example.com', '建国路88号'])
      assert.ok(!sent.includes(secret), secret);
    assert.match(sent, /\[手机号\].*\[身份证号\].*\[邮箱\].*\[地址\]/);
  });

  it('classifies only into the given labels', async () => {
    reply = 'refund-time';
    assert.equal(await llm().classify('钱呢', ['refund-time', 'tracking']), 'refund-time');
    reply = 'something else';
    assert.equal(await llm().classify('钱呢', ['refund-time', 'tracking']), undefined);
  });

  it('falls back (undefined) on server errors and on timeouts', async () => {
    mode = 'error';
    assert.equal(await llm().summarize('low_confidence', []), undefined);
    mode = 'slow';
    const started = Date.now();
    assert.equal(await llm().rewriteAnswer('q', [{ question: 'q', answer: 'a' }]), undefined);
    assert.ok(Date.now() - started < 1400, 'gave up at the timeout');
  });

  it('masking leaves ordinary text alone', () => {
    assert.equal(maskPersonalData('订单号123456什么时候发货'), '订单号123456什么时候发货');
  });
});

// The LLM adapter against a small local OpenAI-compatible server (the only stand-in: no real
// endpoint is reachable here): grounded rewriting, classification, summaries, masking of personal
// data before it leaves, and fallback on errors and timeouts.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { LlmAssistant, MODEL_WRITTEN_MARK } from '../../bot/llm';
import path from 'node:path';
import { BotEngine } from '../../bot/engine';
import { loadKnowledgeBaseFile } from '../../bot/kb';
import { refineWithLlm } from '../../bot/llmRefine';
import { decide, initialMemory } from '../../domain/policy';

describe('LLM adapter', () => {
  let server: http.Server;
  let baseURL: string;
  let mode: 'ok' | 'error' | 'slow' = 'ok';
  let reply = '';
  /** When set, classification requests get this answer instead of `reply`. */
  let classifyReply: string | undefined;
  const seen: { model: string; messages: { role: string; content: string }[] }[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        if (req.url !== '/v1/chat/completions') return void res.writeHead(404).end();
        const request = JSON.parse(body) as { model: string; messages: { role: string; content: string }[] };
        seen.push(request);
        const isClassify = request.messages[0]!.content.includes('标签');
        if (mode === 'error')
          return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"boom"}}');
        const send = () =>
          res.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              id: 'c1',
              object: 'chat.completion',
              created: 1,
              model: 'test-model',
              choices: [
                {
                  index: 0,
                  finish_reason: 'stop',
                  message: {
                    role: 'assistant',
                    content: isClassify && classifyReply !== undefined ? classifyReply : reply,
                  },
                },
              ],
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
    classifyReply = undefined;
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

  it('refines the engine: classifies an unplaced message among the candidates and rewrites the answer', async () => {
    const engine = BotEngine.fromKnowledgeBase(
      loadKnowledgeBaseFile(path.resolve(__dirname, '..', '..', 'kb', 'demo-faq.json')),
    );
    const message = '东西寄过来外面那层纸箱烂了';
    const before = engine.understand(message);
    assert.ok(before.candidates.length > 0 && before.candidates[0]!.confidence < 0.45, 'the engine alone is unsure');
    classifyReply = before.candidates.at(-1)!.entryId;
    reply = '很抱歉包装有破损，请拍照后在订单里申请补寄。';
    const refined = await refineWithLlm(before, message, engine, llm());
    assert.equal(refined.entryId, classifyReply);
    assert.equal(refined.candidates[0]!.answer, reply);
    const decision = decide({ state: 'bot', understanding: refined, memory: initialMemory() }).decision;
    assert.ok(decision.kind === 'answer' && decision.answer === reply);
  });

  it('sends the entry’s own answer when the rewrite adds an amount the entry does not have', async () => {
    const engine = BotEngine.fromKnowledgeBase(
      loadKnowledgeBaseFile(path.resolve(__dirname, '..', '..', 'kb', 'demo-faq.json')),
    );
    const message = '收到的东西坏了怎么办';
    const before = engine.understand(message);
    assert.equal(before.entryId, 'damaged-package');
    const own = before.candidates[0]!.answer;
    const refused: string[][] = [];
    reply = '别担心，拍照申请后我们直接给您退款100元。';
    const padded = await refineWithLlm(before, message, engine, llm(), undefined, ({ claims }) => refused.push(claims));
    assert.equal(padded.candidates[0]!.answer, own, 'the KB entry’s answer, not the rewrite');
    assert.deepEqual(refused, [['number 100']]);
    reply = '很抱歉！请在签收后四十八小时内拍照，在订单里申请破损补寄，审核后免费补发或退款。';
    const faithful = await refineWithLlm(before, message, engine, llm());
    assert.equal(faithful.candidates[0]!.answer, reply, 'the same facts in other words pass');
  });

  it('marks a summary as model-written', async () => {
    reply = '客户反映门锁指纹失灵，机器人答复未解决，情绪焦急。';
    const summary = await llm().summarize('answer_rejected', []);
    assert.equal(summary, `${MODEL_WRITTEN_MARK}${reply}`);
  });

  it('never overrides a safety signal, and keeps the engine result when the LLM fails', async () => {
    const engine = BotEngine.fromKnowledgeBase(
      loadKnowledgeBaseFile(path.resolve(__dirname, '..', '..', 'kb', 'demo-faq.json')),
    );
    const risky = engine.understand('充电器冒烟了');
    assert.equal(await refineWithLlm(risky, '充电器冒烟了', engine, llm()), risky);
    assert.equal(seen.length, 0, 'no LLM call for a risk message');
    mode = 'error';
    const unsure = engine.understand('我的猫不吃饭怎么办');
    assert.deepEqual(await refineWithLlm(unsure, '我的猫不吃饭怎么办', engine, llm()), unsure);
  });
});

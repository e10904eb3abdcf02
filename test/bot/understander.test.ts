// The understanding the worker runs, against a real embedding server of its own (so this file can
// stop it): hybrid while the server answers, one embedding call per customer turn, the KB embedded
// once; lexical answers and a metric when the server is gone, and back to hybrid once it returns.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { register } from 'prom-client';
import { loadKnowledgeBaseFile } from '../../bot/kb';
import { EmbeddingClient, type EmbeddingRole } from '../../bot/semantic/embeddingClient';
import { VectorCache } from '../../bot/semantic/vectorCache';
import { Understander } from '../../bot/understander';
import { freePort, startEmbeddingServer, type Service } from '../../dev/services';
import { decide, initialMemory } from '../../domain/policy';

const kb = loadKnowledgeBaseFile(path.resolve(__dirname, '..', '..', 'kb', 'demo-faq.json'));

/** The real client, counting what it sends. */
class CountingClient extends EmbeddingClient {
  calls: { texts: number; role: EmbeddingRole }[] = [];
  override embed(texts: string[], role: EmbeddingRole, options?: { timeoutMs?: number }) {
    this.calls.push({ texts: texts.length, role });
    return super.embed(texts, role, options);
  }
}

async function metric(name: string, labels: Record<string, string> = {}): Promise<number> {
  const found = (await register.getSingleMetric(name)?.get())?.values.find((v) =>
    Object.entries(labels).every(([k, value]) => v.labels[k] === value),
  );
  return found?.value ?? 0;
}

describe('hybrid understanding and its fall back to lexical retrieval', () => {
  let server: Service & { baseURL: string };
  let port: number;
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-vectors-'));
  const client = () =>
    new CountingClient({ baseURL: `http://127.0.0.1:${port}/v1`, model: 'multilingual-e5-small', timeoutMs: 20_000 });

  before(async () => {
    port = await freePort();
    server = await startEmbeddingServer({ port, output: { file: '/dev/null' } });
  });
  after(async () => {
    await server.stop();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it('embeds the KB once (cached by text), then makes one embedding call per customer turn', async () => {
    const first = client();
    const understander = await Understander.create(kb, { client: first, cache: new VectorCache(cacheDir) });
    assert.ok(understander.engine.semantics, understander.semanticError);
    assert.ok(first.calls.length > 0, 'the KB was embedded');
    // Another process (a restart) with the same KB finds every vector on disk.
    const second = client();
    const again = await Understander.create(kb, { client: second, cache: new VectorCache(cacheDir) });
    assert.ok(again.engine.semantics);
    assert.deepEqual(second.calls, [{ texts: 1, role: 'query' }], 'nothing recomputed, one warm-up query');

    const u = await again.understand('买的东西想换成别的颜色', []);
    assert.deepEqual(second.calls.slice(1), [{ texts: 1, role: 'query' }], 'one call for the turn');
    assert.equal(u.retrieval, 'hybrid');
    assert.equal(u.entryId, 'exchange');
    const decision = decide({ state: 'bot', understanding: u, memory: initialMemory() }).decision;
    assert.ok(decision.kind === 'answer' && decision.entryId === 'exchange', JSON.stringify(decision));
  });

  it('a message anticipated (the inbox read it) is embedded once, before its turn, which then waits on nothing new', async () => {
    const counting = client();
    const understander = await Understander.create(kb, { client: counting, cache: new VectorCache(cacheDir) });
    const before = counting.calls.length;
    understander.anticipate('买的东西想换成别的颜色了');
    understander.anticipate('买的东西想换成别的颜色了'); // read twice (a repeated callback): one call
    understander.anticipate('你好'); // a greeting needs no embedding
    assert.deepEqual(counting.calls.slice(before), [{ texts: 1, role: 'query' }], 'started at once');
    const u = await understander.understand('买的东西想换成别的颜色了', []);
    assert.deepEqual(counting.calls.slice(before), [{ texts: 1, role: 'query' }], 'the turn made no call of its own');
    assert.equal(u.retrieval, 'hybrid');
    assert.equal(u.entryId, 'exchange');
    // A burst joined into one turn has a text of its own: it embeds that, as before.
    await understander.understand('买的东西想换成别的颜色了\n红色的', []);
    assert.equal(counting.calls.length - before, 2);
  });

  it('reads risk by meaning where no lexicon phrase matches, and a plain question as no class', async () => {
    const understander = await Understander.create(kb, { client: client(), cache: new VectorCache(cacheDir) });
    const text = '我家娃把电池抠出来放嘴里了';
    assert.equal(understander.engine.understand(text, []).risk.high, false, 'the risk lexicon misses it');
    const swallowed = await understander.understand(text, []);
    assert.equal(swallowed.risk.high, true, JSON.stringify(swallowed.meaning));
    assert.equal(swallowed.risk.kind, 'safety');
    const decision = decide({ state: 'bot', understanding: swallowed, memory: initialMemory() }).decision;
    assert.ok(decision.kind === 'handoff' && decision.reason === 'high_risk');
    const plain = await understander.understand('运费怎么算', []);
    assert.ok(plain.meaning, 'read by meaning');
    for (const margin of Object.values(plain.meaning)) assert.ok(margin < 0, JSON.stringify(plain.meaning));
    assert.equal(plain.risk.high || plain.humanRequest || plain.sentiment.negative, false);
  });

  it('keeps "I don\'t know" for off-topic questions, near some entry by cosine as they are', async () => {
    const understander = await Understander.create(kb, { client: client(), cache: new VectorCache(cacheDir) });
    for (const text of ['我的猫不吃饭怎么办', '今天天气怎么样', '推荐一部好看的电影']) {
      const u = await understander.understand(text, []);
      assert.equal(u.retrieval, 'hybrid');
      assert.ok((u.candidates[0]?.cosine ?? 0) > 0.8, 'cosine alone would call it a match');
      assert.equal(decide({ state: 'bot', understanding: u, memory: initialMemory() }).decision.kind, 'clarify', text);
    }
  });

  it('answers a wording the lexicon cannot place when lexical and dense evidence together are clear', async () => {
    // 旧设备回收 left out of its entry: a new wording of trade-in that shares little with the rest.
    const without = {
      ...kb,
      entries: kb.entries.map((e) =>
        e.id === 'trade-in' ? { ...e, similar: e.similar.filter((q) => q !== '旧设备回收') } : e,
      ),
    };
    const hybrid = await Understander.create(without, { client: client(), cache: new VectorCache(cacheDir) });
    const lexical = await Understander.create(without);
    const asked = (u: Understander) =>
      u.understand('旧设备回收', []).then((understanding) => ({
        understanding,
        decision: decide({ state: 'bot', understanding, memory: initialMemory() }).decision,
      }));
    const { understanding, decision } = await asked(hybrid);
    assert.ok(decision.kind === 'answer' && decision.entryId === 'trade-in', JSON.stringify(understanding.candidates));
    assert.ok((understanding.candidates[0]?.lexicalConfidence ?? 1) < 0.45, 'the lexical bar alone would not answer');
    assert.equal((await asked(lexical)).decision.kind, 'clarify');
  });

  it('hands the same question in other words to a person once its answer came back again', async () => {
    const first = client();
    const understander = await Understander.create(kb, { client: first, cache: new VectorCache(cacheDir) });
    let memory = initialMemory();
    const asked = await understander.understand('积分怎么用', memory.recentCustomerTurns);
    const answered = decide({ state: 'bot', understanding: asked, memory });
    assert.ok(answered.decision.kind === 'answer' && answered.decision.entryId === 'points');
    memory = answered.memory;
    const calls = first.calls.length;
    const again = await understander.understand('积分能拿来干嘛', memory.recentCustomerTurns);
    assert.deepEqual(first.calls.slice(calls), [{ texts: 1, role: 'query' }], 'the previous turn is in memory');
    assert.ok(again.repetition < 0.5, 'the wording is not the same');
    assert.ok((again.repetitionByMeaning ?? -1) >= 0, JSON.stringify(again.repetitionByMeaning));
    const { decision } = decide({ state: 'confirming', understanding: again, memory });
    assert.deepEqual(decision.kind === 'handoff' && decision.reason, 'repeated_question');

    // A worker that did not see the previous turn embeds it in the same call.
    const other = client();
    const restarted = await Understander.create(kb, { client: other, cache: new VectorCache(cacheDir) });
    const before = other.calls.length;
    const same = await restarted.understand('积分能拿来干嘛', memory.recentCustomerTurns);
    assert.deepEqual(other.calls.slice(before), [{ texts: 2, role: 'query' }], 'one call for both');
    assert.equal(same.repetitionByMeaning, again.repetitionByMeaning);

    // Another question on the same entry, not as near as a rewording: answered again.
    const fee = decide({
      state: 'bot',
      understanding: await understander.understand('运费怎么算', []),
      memory: initialMemory(),
    });
    const more = await understander.understand('那多少钱包邮', fee.memory.recentCustomerTurns);
    const next = decide({ state: 'confirming', understanding: more, memory: fee.memory }).decision;
    assert.ok(next.kind === 'answer' && next.entryId === 'shipping-fee', JSON.stringify(next));
  });

  it('answers lexically when the embedding server is down, and the metrics show it', async () => {
    const understander = await Understander.create(kb, { client: client(), cache: new VectorCache(cacheDir) });
    assert.ok(understander.engine.semantics);
    await server.stop();
    const lexicalBefore = await metric('cs_understanding_turns_total', { retrieval: 'lexical' });
    const errorsBefore = await metric('cs_embedding_seconds', { purpose: 'query', outcome: 'error' });
    const u = await understander.understand('运费怎么算', []);
    assert.equal(u.retrieval, 'lexical');
    assert.equal(u.entryId, 'shipping-fee');
    assert.equal(decide({ state: 'bot', understanding: u, memory: initialMemory() }).decision.kind, 'answer');
    assert.equal(await metric('cs_understanding_turns_total', { retrieval: 'lexical' }), lexicalBefore + 1);
    assert.equal(await metric('cs_embeddings_available'), 0);
    const metrics = await register.metrics();
    assert.match(metrics, /cs_embedding_seconds_count\{purpose="query",outcome="error"\} [1-9]/);
    assert.ok(errorsBefore >= 0);

    // A KB built while the server is down is lexical and asks to be built again.
    const down = await Understander.create(kb, { client: client(), cache: new VectorCache(undefined) });
    assert.equal(down.engine.semantics, undefined);
    assert.equal(down.wantsSemantics, true);
    assert.ok(down.semanticError);
    assert.equal((await down.understand('怎么开发票', [])).entryId, 'invoice');

    // The server returns: a new build is hybrid again.
    server = await startEmbeddingServer({ port, output: { file: '/dev/null' } });
    const back = await Understander.create(kb, { client: client(), cache: new VectorCache(cacheDir) });
    assert.equal((await back.understand('运费怎么算', [])).retrieval, 'hybrid');
    assert.equal(await metric('cs_embeddings_available'), 1);
  });
});

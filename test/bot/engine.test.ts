// The understanding engine and the dialogue policy on the cases the issue names: negation,
// mixed Chinese/English, full-width characters, emoji, empty and very long messages.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { BotEngine } from '../../bot/engine';
import { loadKnowledgeBaseFile, parseKnowledgeBase } from '../../bot/kb';
import { decide, defaultPolicyConfig, initialMemory, priorityFor, type PolicyDecision } from '../../domain/policy';

const engine = BotEngine.fromKnowledgeBase(
  loadKnowledgeBaseFile(path.resolve(__dirname, '..', '..', 'kb', 'demo-faq.json')),
);

function firstTurn(text: string, tier = 'normal'): PolicyDecision {
  return decide({ state: 'bot', understanding: engine.understand(text), memory: initialMemory(), customerTier: tier })
    .decision;
}

describe('human requests', () => {
  for (const text of [
    '转人工',
    '我要人工',
    '请帮我转人工客服',
    '能不能找个真人',
    'I want to talk to a human',
    '人工！',
    '人工人工人工',
    '给我一个人工',
    '叫你们领导来',
    '我想跟客服小姐姐聊',
    '不想和机器聊',
    'transfer me to an agent',
  ]) {
    it(`"${text}" asks for a human`, () => assert.equal(engine.understand(text).humanRequest, true));
  }
  for (const text of [
    '不用转人工，我自己看看',
    '不需要人工',
    '你们用的是人工智能吗',
    '安装的人工费多少',
    '人工客服几点上班',
    '晚上有人工吗',
    '晚上人工客服在吗',
    '不用找客服了，我自己看看',
    '我要个人发票',
    "I don't need a human, how do I reset it",
  ]) {
    it(`"${text}" does not`, () => assert.equal(engine.understand(text).humanRequest, false));
  }
  it('a request that also names a problem carries that problem (its skill routes the handoff)', () => {
    assert.equal(engine.understand('我的摄像头一直离线，给我找个人').namedProblem?.skill, 'tech');
    assert.equal(engine.understand('运费怎么算？转人工').namedProblem?.skill, 'logistics');
    for (const text of ['我要人工客服', '转人工', '快给我转人工！！', '叫你们领导来'])
      assert.equal(engine.understand(text).namedProblem, undefined, text);
  });
});

describe('risk and sentiment', () => {
  it('finds regulators, lawyers, media, injuries, fire, account theft and lock-outs', () => {
    for (const [text, kind] of [
      ['再不退款我就打12315', 'regulator'],
      ['我已经咨询律师了', 'legal'],
      ['我要发微博曝光', 'media'],
      ['门锁把手指夹伤了', 'safety'],
      ['插座烧焦了还有焦味', 'safety'],
      ['我账号被盗了', 'security'],
      ['有人半夜用app开了我家门锁', 'security'],
      ['充电器烫得不敢摸', 'safety'],
      ['净化器有股烧塑料的味道', 'safety'],
      ['准备走法律程序', 'legal'],
      ['大晚上我被锁在外面进不了门', 'safety'],
    ] as const) {
      const risk = engine.understand(text).risk;
      assert.equal(risk.high, true, text);
      assert.equal(risk.kind, kind, text);
    }
  });
  it('risk outranks everything, and the tier raises priority', () => {
    assert.deepEqual(firstTurn('再不处理我就去消协投诉你们，转人工'), {
      kind: 'handoff',
      reason: 'high_risk',
      priority: 4,
    });
    assert.equal(priorityFor('negative_sentiment', 'vip'), 3);
    assert.ok(priorityFor('high_risk', 'normal') > priorityFor('vip', 'normal'));
    assert.ok(priorityFor('vip', 'normal') > priorityFor('negative_sentiment', 'normal'));
  });
  it('tells anger from a plain report of a damaged item', () => {
    assert.equal(engine.understand('太差劲了，垃圾东西').sentiment.negative, true);
    assert.equal(engine.understand('收到的商品是破的').sentiment.negative, false);
    assert.equal(engine.understand('this is ridiculous').sentiment.negative, true);
    assert.equal(engine.understand('你们这效率，一周了还没发货').sentiment.negative, true);
    assert.equal(engine.understand('退款怎么还没收到').sentiment.negative, false);
    assert.equal(engine.understand('我的数据会被泄露吗').risk.high, false, 'a worried question, answered by the KB');
  });
});

describe('robust input', () => {
  it('reads full-width characters like half-width ones', () => {
    assert.equal(engine.understand('ＷｉＦｉ连不上').entryId, engine.understand('WiFi连不上').entryId);
    assert.equal(engine.understand('转人工！！').humanRequest, true);
  });
  it('reads traditional characters (Hong Kong, Taiwan) like simplified ones', () => {
    assert.equal(engine.understand('無理由退貨要怎麼申請').entryId, 'return-policy');
    assert.equal(engine.understand('我要轉人工').humanRequest, true);
    assert.equal(engine.understand('我的帳號被盜了').risk.high, true);
  });
  it('matches English words in their inflected forms', () => {
    assert.equal(firstTurn('do you provide invoices').kind, 'answer');
    assert.equal(engine.understand('do you provide invoices').entryId, 'invoice');
  });
  it('answers mixed Chinese and English', () => {
    assert.equal(firstTurn('我的device连不上wifi怎么办').kind, 'answer');
    assert.equal(engine.understand('App在哪里download').entryId, 'app-download');
  });
  it('ignores emoji around a question and reads an emoji-only message as smalltalk or unclear', () => {
    assert.equal(engine.understand('😭😭运费怎么算😭').entryId, 'shipping-fee');
    assert.ok(['clarify', 'smalltalk'].includes(firstTurn('👍👍👍').kind));
    assert.equal(firstTurn('你好😊').kind, 'smalltalk');
  });
  it('handles empty and whitespace messages without answering', () => {
    for (const text of ['', '   ', '？？？']) {
      const decision = firstTurn(text);
      assert.equal(decision.kind, 'clarify', JSON.stringify(text));
    }
  });
  it('handles a 10,000-character message quickly and sensibly', () => {
    const long = '请问运费怎么算'.repeat(1500);
    const started = performance.now();
    const decision = firstTurn(long);
    assert.ok(performance.now() - started < 200);
    assert.ok(['answer', 'clarify'].includes(decision.kind));
    assert.equal(firstTurn('啊'.repeat(10_000)).kind, 'clarify');
  });
});

describe('dialogue policy', () => {
  it('answers, asks for confirmation, and resolves on yes', () => {
    let memory = initialMemory();
    const first = decide({ state: 'bot', understanding: engine.understand('保修期多久'), memory });
    assert.equal(first.decision.kind, 'answer');
    assert.ok(first.decision.kind === 'answer' && first.decision.askConfirmation);
    memory = first.memory;
    const yes = decide({ state: 'confirming', understanding: engine.understand('好的，明白了'), memory });
    assert.equal(yes.decision.kind, 'resolved');
  });
  it('a second "no" always hands off as answer_rejected', () => {
    let memory = decide({
      state: 'bot',
      understanding: engine.understand('设备连不上wifi'),
      memory: initialMemory(),
    }).memory;
    const no1 = decide({ state: 'confirming', understanding: engine.understand('没用'), memory });
    memory = no1.memory;
    if (no1.decision.kind === 'handoff') {
      assert.equal(no1.decision.reason, 'answer_rejected');
      return;
    }
    assert.equal(no1.decision.kind, 'answer');
    const no2 = decide({ state: 'confirming', understanding: engine.understand('还是不行'), memory });
    assert.deepEqual(no2.decision.kind === 'handoff' && no2.decision.reason, 'answer_rejected');
  });
  it('a new question while confirming is answered as a new question', () => {
    const memory = decide({
      state: 'bot',
      understanding: engine.understand('运费怎么算'),
      memory: initialMemory(),
    }).memory;
    const next = decide({ state: 'confirming', understanding: engine.understand('怎么开发票'), memory });
    assert.ok(next.decision.kind === 'answer' && next.decision.entryId === 'invoice');
  });
  it('hands a VIP who is not understood to a human at once', () => {
    assert.deepEqual(firstTurn('我的猫不吃饭怎么办', 'vip'), { kind: 'handoff', reason: 'vip', priority: 4 });
  });
  it('right after a session with a person (or a bad rating), what the bot cannot place goes back to people', () => {
    const unplaced = engine.understand('客服就问了一句就结束了？');
    const turn = (previousSession?: { minutesSinceClose: number; hadHuman: boolean; csat?: string }) =>
      decide({ state: 'bot', understanding: unplaced, memory: initialMemory(), previousSession }).decision;
    assert.deepEqual(turn({ minutesSinceClose: 2, hadHuman: true }), {
      kind: 'handoff',
      reason: 'follow_up',
      priority: 1,
    });
    assert.equal(turn({ minutesSinceClose: 3, hadHuman: false, csat: 'dissatisfied' }).kind, 'handoff');
    assert.equal(turn({ minutesSinceClose: 90, hadHuman: true }).kind, 'clarify', 'long after, a fresh start');
    assert.equal(turn({ minutesSinceClose: 2, hadHuman: false, csat: 'satisfied' }).kind, 'clarify');
    assert.equal(turn().kind, 'clarify');
    const understood = decide({
      state: 'bot',
      understanding: engine.understand('运费怎么算'),
      memory: initialMemory(),
      previousSession: { minutesSinceClose: 2, hadHuman: true },
    }).decision;
    assert.equal(understood.kind, 'answer', 'a question the bot knows is still answered');
  });
  it('a short follow-up borrows the question of the turn before it', () => {
    const asked = decide({ state: 'bot', understanding: engine.understand('摄像头保修多久'), memory: initialMemory() });
    assert.ok(asked.decision.kind === 'answer' && asked.decision.entryId === 'warranty');
    const { memory } = asked;
    const followUp = engine.understand('那门锁呢', memory.recentCustomerTurns);
    assert.equal(followUp.followUpCandidates?.[0]?.entryId, 'warranty');
    const next = decide({ state: 'confirming', understanding: followUp, memory }).decision;
    assert.ok(next.kind === 'answer' && next.entryId === 'warranty', JSON.stringify(next));
    // Alone, or under a policy without the rule, it is not understood.
    assert.equal(firstTurn('那门锁呢').kind, 'clarify');
    const config = { ...defaultPolicyConfig, followUpContext: false };
    assert.equal(decide({ state: 'confirming', understanding: followUp, memory, config }).decision.kind, 'clarify');
    // A question of its own is no follow-up.
    assert.equal(engine.understand('门锁怎么恢复出厂设置', memory.recentCustomerTurns).followUpCandidates, undefined);
  });
  it('is deterministic: the same input gives the same decision', () => {
    assert.deepEqual(firstTurn('退款多久到账'), firstTurn('退款多久到账'));
  });
});

describe('knowledge base files', () => {
  it('reject a broken KB with the field named', () => {
    assert.throws(
      () => parseKnowledgeBase({ entries: [{ id: 'a', skill: 's', question: '', answer: 'x' }] }, 'kb.json'),
      /kb.json: entries.0.question/,
    );
    assert.throws(
      () =>
        parseKnowledgeBase({
          entries: [
            { id: 'a', skill: 's', question: 'q', answer: 'x' },
            { id: 'a', skill: 's', question: 'q2', answer: 'y' },
          ],
        }),
      /duplicate entry id a/,
    );
  });
  it('leave disabled entries out of retrieval', () => {
    const kb = loadKnowledgeBaseFile(path.resolve(__dirname, '..', '..', 'kb', 'demo-faq.json'));
    const without = BotEngine.fromKnowledgeBase({
      ...kb,
      entries: kb.entries.map((e) => (e.id === 'shipping-fee' ? { ...e, enabled: false } : e)),
    });
    assert.notEqual(without.understand('运费怎么算').entryId, 'shipping-fee');
  });
});

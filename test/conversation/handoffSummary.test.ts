// The handoff card's own summary (domain/handoffSummary.ts), as tables: what the customer wants,
// what the bot tried, why it handed over, and the mood that led there, all in Chinese and never a
// concatenation of the customer's last lines.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { handoffMood, handoffSummary, isNoise, type HandoffSummaryInput } from '../../domain/handoffSummary';

const entries = {
  'refund-time': { question: '退款多久到账？', skill: 'billing' },
  'return-policy': { question: '七天无理由退货怎么申请？', skill: 'aftersales' },
  exchange: { question: '商品可以换货吗？', skill: 'aftersales' },
  'shipping-fee': { question: '运费怎么算？', skill: 'logistics' },
};
const skills = { billing: '支付与发票', aftersales: '售后服务', logistics: '物流配送' };
const calm = { sentiment: { negative: false, score: 0, terms: [] }, risk: { high: false, terms: [] } };
const memory = { answeredEntryIds: [], rejections: 0, notUnderstood: 0 };

const base = (over: Partial<HandoffSummaryInput>): HandoffSummaryInput => ({
  reason: 'customer_request',
  customerSaid: [],
  memory,
  understanding: calm,
  entries,
  skills,
  ...over,
});

describe('handoff summary', () => {
  const cases: [string, Partial<HandoffSummaryInput>, { wants: string; tried: string; why: string }][] = [
    [
      'two answers rejected: the topic, both answers, the rejections',
      {
        reason: 'answer_rejected',
        customerSaid: ['退款一直没到账', '未解决', '还是没到', '未解决'],
        intent: 'refund-time',
        memory: { answeredEntryIds: ['refund-time', 'return-policy'], rejections: 2, notUnderstood: 0 },
      },
      {
        wants: '客户想了解：退款多久到账？（支付与发票）。最后说：「还是没到」。',
        tried: '机器人已回答「退款多久到账？」「七天无理由退货怎么申请？」，客户 2 次表示没有解决。',
        why: '转人工原因：回答未解决问题。',
      },
    ],
    [
      'a request for a person with the problem in the same line: quoted, noise lines skipped',
      { customerSaid: ['你好', '我要转人工，门锁指纹总是识别失败', '转人工'] },
      {
        wants: '客户说：「我要转人工，门锁指纹总是识别失败」。',
        tried: '机器人还没有作答。',
        why: '转人工原因：客户要求人工。',
      },
    ],
    [
      'only noise: says there is no problem stated yet',
      { customerSaid: ['在吗？', '人工！！', '转人工'] },
      { wants: '客户还没有说明具体问题。', tried: '机器人还没有作答。', why: '转人工原因：客户要求人工。' },
    ],
    [
      'not understood twice',
      {
        reason: 'low_confidence',
        customerSaid: ['那个东西不太对劲', '就是不太对劲'],
        memory: { answeredEntryIds: [], rejections: 0, notUnderstood: 2 },
      },
      {
        wants: '客户说：「就是不太对劲」。',
        tried: '机器人没能理解客户的问题（追问了 2 次）。',
        why: '转人工原因：机器人未理解。',
      },
    ],
    [
      'a repeated question after an answer',
      {
        reason: 'repeated_question',
        customerSaid: ['运费怎么算', '我问的是运费怎么算'],
        intent: 'shipping-fee',
        memory: { answeredEntryIds: ['shipping-fee'], rejections: 0, notUnderstood: 0 },
      },
      {
        wants: '客户想了解：运费怎么算？（物流配送）。最后说：「我问的是运费怎么算」。',
        tried: '机器人已回答「运费怎么算？」，客户仍在重复提问。',
        why: '转人工原因：客户重复提问。',
      },
    ],
    [
      'high risk names its kind and the words',
      {
        reason: 'high_risk',
        customerSaid: ['门锁打不开了，孩子被锁在外面，急死了快找人'],
        understanding: {
          sentiment: { negative: false, score: 0, terms: [] },
          risk: { high: true, kind: 'safety', terms: ['被锁在外面', '孩子被锁'] },
        },
      },
      {
        wants: '客户说：「门锁打不开了，孩子被锁在外面，急死了快找人」。',
        tried: '机器人还没有作答。',
        why: '转人工原因：高风险（人身安全：被锁在外面、孩子被锁）。',
      },
    ],
    [
      'an entry the KB no longer has is named by its id, and more than three answers are counted',
      {
        reason: 'answer_rejected',
        intent: 'gone-entry',
        memory: {
          answeredEntryIds: ['gone-entry', 'refund-time', 'exchange', 'shipping-fee', 'refund-time'],
          rejections: 1,
          notUnderstood: 0,
        },
      },
      {
        wants: '客户想了解：gone-entry。',
        tried: '机器人已回答「gone-entry」「退款多久到账？」「商品可以换货吗？」等 4 条，客户 1 次表示没有解决。',
        why: '转人工原因：回答未解决问题。',
      },
    ],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => {
      const summary = handoffSummary(base(input));
      assert.deepEqual({ wants: summary.wants, tried: summary.tried, why: summary.why }, expected);
      assert.equal(summary.text, [expected.wants, expected.tried, expected.why].join('\n'));
    });
  }

  it('quotes are cut to a glance', () => {
    const long = '我上个月在你们店里买了一个智能门锁，'.repeat(5);
    const { wants } = handoffSummary(base({ customerSaid: [long] }));
    assert.ok(wants.length < 70, wants);
    assert.match(wants, /…」。$/);
  });
});

describe('the mood that led to the handoff', () => {
  const cases: [string, Pick<HandoffSummaryInput, 'reason' | 'customerSaid' | 'understanding'>, string, string[]][] = [
    [
      'angry words',
      {
        reason: 'negative_sentiment',
        customerSaid: ['退款一直没到账，你们是骗子吗'],
        understanding: { ...calm, sentiment: { negative: true, score: 0.85, terms: ['骗子', '一直'] } },
      },
      'negative',
      ['骗子', '一直'],
    ],
    [
      'a panicking customer asking for a person (sentiment itself calm)',
      { reason: 'customer_request', customerSaid: ['转人工，快点！！急死了'], understanding: calm },
      'anxious',
      ['急死', '快点', '!!'],
    ],
    [
      'danger',
      {
        reason: 'high_risk',
        customerSaid: ['孩子被锁在外面'],
        understanding: { ...calm, risk: { high: true, kind: 'safety', terms: ['孩子被锁'] } },
      },
      'anxious',
      ['孩子被锁'],
    ],
    ['a calm question', { reason: 'low_confidence', customerSaid: ['运费怎么算'], understanding: calm }, 'neutral', []],
    [
      'an agent took it over: nothing understood of that moment',
      { reason: 'agent_requested', customerSaid: ['运费怎么算'] },
      'unknown',
      [],
    ],
    [
      'an old hurry no longer counts',
      { reason: 'low_confidence', customerSaid: ['急死了', '好的', '运费呢'], understanding: calm },
      'neutral',
      [],
    ],
  ];
  for (const [name, input, mood, terms] of cases) {
    it(name, () => assert.deepEqual(handoffMood(input), { mood, terms }));
  }
});

describe('noise lines', () => {
  const cases: [string, boolean][] = [
    ['转人工', true],
    ['我要人工客服！！', true],
    ['在吗？', true],
    ['未解决', true],
    ['hello', true],
    ['人工，退款没到', false],
    ['门锁坏了', false],
    ['运费', false],
  ];
  for (const [line, expected] of cases) it(`${line} → ${expected}`, () => assert.equal(isNoise(line), expected));
});

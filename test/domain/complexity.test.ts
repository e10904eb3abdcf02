// Complexity as a table: the handoff reason, rejected answers (at most two count), an earlier
// handoff and an expert skill add up to a score from 0 to 5, each with its reason for the card;
// from COMPLEX on, routing prefers senior agents.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMPLEX, complexityOf, type ComplexityInput } from '../../domain/complexity';

const input = (over: Partial<ComplexityInput>): ComplexityInput => ({
  reason: 'customer_request',
  rejections: 0,
  earlierHandoffs: 0,
  ...over,
});

describe('complexity', () => {
  it('adds up the reason, rejections, history and skill, capped at 5', () => {
    const cases: [Partial<ComplexityInput>, number, string[]][] = [
      [{}, 0, []],
      [{ reason: 'bot_unavailable' }, 0, []],
      [{ reason: 'low_confidence' }, 1, []],
      [{ reason: 'negative_sentiment' }, 2, ['转人工原因较严重']],
      [{ reason: 'follow_up' }, 2, ['转人工原因较严重']],
      [{ reason: 'high_risk' }, 3, ['转人工原因较严重']],
      [{ rejections: 1 }, 1, ['客户否定了 1 次回答']],
      [{ rejections: 5 }, 2, ['客户否定了 5 次回答']], // at most two count
      [{ earlierHandoffs: 3 }, 1, ['此前已转过人工']], // once, however many
      [{ skill: 'tech' }, 1, ['问题需要专业处理']],
      [{ skill: 'aftersales' }, 1, ['问题需要专业处理']],
      [{ skill: 'presales' }, 0, []],
      [{ reason: 'answer_rejected', rejections: 2 }, 3, ['客户否定了 2 次回答']],
      [
        { reason: 'high_risk', rejections: 3, earlierHandoffs: 1, skill: 'tech' },
        5,
        ['转人工原因较严重', '客户否定了 3 次回答', '此前已转过人工', '问题需要专业处理'],
      ],
    ];
    for (const [over, score, reasons] of cases)
      assert.deepEqual(complexityOf(input(over)), { score, reasons }, JSON.stringify(over));
  });

  it('counts as complex from a serious reason with history, or rejected answers on an expert topic', () => {
    const cases: [Partial<ComplexityInput>, boolean][] = [
      [{}, false],
      [{ reason: 'high_risk' }, true],
      [{ reason: 'negative_sentiment' }, false],
      [{ reason: 'negative_sentiment', earlierHandoffs: 1 }, true],
      [{ reason: 'answer_rejected', rejections: 1, skill: 'tech' }, true],
      [{ reason: 'customer_request', skill: 'tech', earlierHandoffs: 1 }, false],
    ];
    for (const [over, complex] of cases)
      assert.equal(complexityOf(input(over)).score >= COMPLEX, complex, JSON.stringify(over));
  });
});

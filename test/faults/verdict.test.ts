// The count the fault scenarios rest on: what WeCom accepted for each customer, read as answered
// once, duplicated or lost.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exactlyOnce } from './support/verdict';

const said = (...texts: string[]) => texts.map((content, at) => ({ at, content }));

describe('the exactly-once count', () => {
  const cases: [string, number, string[], { answeredOnce: number; duplicated: number; missing: number }][] = [
    ['one answer each', 3, ['A1', 'glad', 'A3'], { answeredOnce: 3, duplicated: 0, missing: 0 }],
    ['the same answer twice', 3, ['A1', 'glad', 'A3', 'glad'], { answeredOnce: 2, duplicated: 1, missing: 0 }],
    [
      'an answer too many (a repeat handed to a person)',
      3,
      ['A1', 'glad', 'A3', 'handoff', 'agent'],
      { answeredOnce: 1, duplicated: 2, missing: 0 },
    ],
    ['an answer missing', 3, ['A1', 'glad'], { answeredOnce: 2, duplicated: 0, missing: 1 }],
    ['one missing, one sent twice', 3, ['A1', 'A1', 'glad'], { answeredOnce: 1, duplicated: 1, missing: 1 }],
    ['nothing answered', 2, [], { answeredOnce: 0, duplicated: 0, missing: 2 }],
  ];
  for (const [name, sent, texts, expected] of cases) {
    it(name, () => {
      const verdict = exactlyOnce([{ customer: 'c', sent, answers: said(...texts) }]);
      assert.deepEqual(
        { answeredOnce: verdict.answeredOnce, duplicated: verdict.duplicated, missing: verdict.missing },
        expected,
      );
      assert.equal(verdict.wrong.length, expected.answeredOnce === sent ? 0 : 1);
    });
  }
});

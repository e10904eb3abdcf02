// The grounding check of an LLM rewrite: the same facts in other words pass; a number, amount,
// date, link or promise the knowledge-base entry does not make is caught.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chineseNumeral, ungroundedClaims } from '../../bot/grounding';

const entry =
  '收到的商品破损了怎么办？\n请在签收后48小时内拍照（外包装、商品、面单）并在订单中申请“破损补寄”，审核通过后我们会免费补发或退款。';

describe('grounding of an LLM rewrite', () => {
  it('reads Chinese numerals', () => {
    assert.deepEqual(
      ['七', '十五', '二十', '四十八', '一百零八', '两万', '三千五百'].map(chineseNumeral),
      [7, 15, 20, 48, 108, 20_000, 3500],
    );
  });

  const cases: [string, string[]][] = [
    ['很抱歉包装有破损，请拍照后在订单里申请补寄。', []],
    ['请在四十八小时内拍照，我们会免费补发或退款', []],
    ['请在４８小时内拍照申请破损补寄', []],
    ['拍照申请后我们会退款100元', ['number 100']],
    ['请在两天内拍照', ['number 2']],
    ['2026年12月1日前申请即可', ['number 2026', 'number 12', 'number 1']],
    ['明天就给您补发', ['time 明天']],
    ['详见 https://evil.example.com/claim', ['link https://evil.example.com/claim']],
    ['我们保证一定给您处理', ['promise 保证', 'promise 一定']],
    ['另外赠送您一张优惠券', ['promise 赠送', 'promise 送您', 'promise 优惠', 'promise 优惠券']],
  ];
  for (const [rewrite, claims] of cases) {
    it(`${claims.length === 0 ? 'accepts' : 'catches'} “${rewrite}”`, () => {
      assert.deepEqual(ungroundedClaims(rewrite, entry), claims);
    });
  }
});

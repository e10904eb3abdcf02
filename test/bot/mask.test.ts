// Personal data is masked before any text leaves for an LLM: every form in the table, ordinary
// text untouched, and linear time on hostile 100 kB inputs (the old e-mail pattern took 16 s).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskPersonalData } from '../../bot/mask';

const cases: [string, string][] = [
  ['电话13812345678，身份证110101199003074513，邮箱a.b@example.com', '电话[手机号]，身份证[身份证号]，邮箱[邮箱]'],
  // phone numbers: full-width, spaced, dotted, dashed, with the country code
  ['手机：１３８ １２３４ ５６７８', '手机：[手机号]'],
  ['电话138.1234.5678', '电话[手机号]'],
  ['+86 138-1234-5678', '[手机号]'],
  ['８６１３８１２３４５６７８', '[手机号]'],
  ['订单 2 13812345678', '订单 2 [手机号]'],
  ['固话(010)88886666或010-88886666', '固话[电话]或[电话]'],
  // ID cards and bank cards, also in groups
  ['身份证 110101 19900307 4513', '身份证 [身份证号]'],
  ['身份证1101 0119 9003 0745 1X', '身份证[身份证号]'],
  ['卡号 6222 0200 1234 5678 903', '卡号 [银行卡号]'],
  ['6222-0200-1234-5671', '[银行卡号]'],
  // WeChat and QQ ids
  ['微信号：zhang_san88', '微信号：[微信号]'],
  ['加我vx abc12345', '加我vx [微信号]'],
  ['wxid_abcd1234', '[微信号]'],
  ['QQ 123456789', 'QQ [QQ号]'],
  ['扣扣号是88888888', '扣扣号是[QQ号]'],
  ['ｓｏｍｅ＠ｅｘａｍｐｌｅ．ｃｏｍ', '[邮箱]'],
  // addresses, with and without province, city and district
  ['地址北京市朝阳区建国路88号', '地址[地址]'],
  ['寄到幸福路8号3单元502室', '寄到[地址]'],
  ['我家住在建国路88号', '我家住在[地址]'],
  ['上海浦东张江路100弄5号', '[地址]'],
  ['阳光花园5栋2单元301', '[地址]'],
  ['12栋3单元1201', '[地址]'],
];

const untouched = [
  '订单号123456什么时候发货',
  '价格1299元，2026-11-25发货',
  '3号能到吗',
  '卡号 6222 0200 1234 5678 901', // fails the card check digit: not a card number
  '订单号2026112512345679',
  '门锁型号 X9 Pro，电池 4 节 5 号',
];

describe('masking personal data', () => {
  for (const [input, expected] of cases) {
    it(`masks ${input}`, () => assert.equal(maskPersonalData(input), expected));
  }
  it('leaves ordinary text alone', () => {
    for (const text of untouched) assert.equal(maskPersonalData(text), text);
  });

  it('runs in linear time on hostile 100 kB inputs', () => {
    const inputs: Record<string, string> = {
      letters: 'a'.repeat(100_000),
      digits: '1'.repeat(100_000),
      'spaced digits': '1 '.repeat(50_000),
      'dotted letters': 'a.'.repeat(50_000),
      'at signs': 'a@'.repeat(50_000),
      han: '我'.repeat(100_000),
      'address anchors': '路1号'.repeat(33_000),
      'place names': '北京市朝阳区'.repeat(16_000),
      'wechat keywords': 'wx'.repeat(50_000),
      'full-width digits': '１'.repeat(100_000),
      realistic: '我电话13812345678，地址幸福路8号3单元502室，微信zhang_san88。'.repeat(2_500),
    };
    const times: string[] = [];
    for (const [name, text] of Object.entries(inputs)) {
      const started = performance.now();
      maskPersonalData(text);
      const ms = performance.now() - started;
      times.push(`${name} ${ms.toFixed(1)} ms`);
      // A few ms each here; the bound leaves room for a busy machine, and is 60× under the old 16 s.
      assert.ok(ms < 250, `${name}: ${ms.toFixed(0)} ms for ${text.length} characters`);
    }
    console.log(`masking 100 kB: ${times.join(', ')}`);
  });
});

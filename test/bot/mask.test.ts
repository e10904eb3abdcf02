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
    const hostile: Record<string, (n: number) => string> = {
      letters: (n) => 'a'.repeat(n),
      digits: (n) => '1'.repeat(n),
      'spaced digits': (n) => '1 '.repeat(n / 2),
      'dotted letters': (n) => 'a.'.repeat(n / 2),
      'at signs': (n) => 'a@'.repeat(n / 2),
      han: (n) => '我'.repeat(n),
      'address anchors': (n) => '路1号'.repeat(n / 3),
      'place names': (n) => '北京市朝阳区'.repeat(n / 6),
      'wechat keywords': (n) => 'wx'.repeat(n / 2),
      'full-width digits': (n) => '１'.repeat(n),
      realistic: (n) => '我电话13812345678，地址幸福路8号3单元502室，微信zhang_san88。'.repeat(n / 40),
    };
    // The fastest of nine runs: the machine is shared, the least disturbed run is the measure.
    const time = (text: string) =>
      Math.min(
        ...Array.from({ length: 9 }, () => {
          const started = performance.now();
          maskPersonalData(text);
          return performance.now() - started;
        }),
      );
    const report: string[] = [];
    for (const [name, make] of Object.entries(hostile)) {
      const [quarter, full] = [time(make(25_000)), time(make(100_000))];
      report.push(`${name} ${full.toFixed(1)} ms`);
      // Four times the text: about four times the time when linear, sixteen when quadratic (the old
      // e-mail pattern took 16 s on 100 kB of letters).
      // The slack absorbs a shared machine's pauses; a quadratic pattern takes seconds here.
      assert.ok(
        full < 8 * quarter + 60,
        `${name}: ${quarter.toFixed(1)} ms for 25 kB, ${full.toFixed(1)} ms for 100 kB`,
      );
      assert.ok(full < 1500, `${name}: ${full.toFixed(0)} ms for 100 kB`);
    }
    console.log(`masking 100 kB: ${report.join(', ')}`);
  });
});

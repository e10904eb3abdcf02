// Personal data never leaves for an LLM: phone numbers, ID-card numbers, emails, bank cards and
// street addresses are replaced by placeholders before any text is sent.
const rules: [RegExp, string][] = [
  [/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '[邮箱]'],
  [/(?<!\d)\d{17}[\dXx](?!\d)/g, '[身份证号]'],
  [/(?<!\d)\d{15}(?!\d)/g, '[身份证号]'],
  [/(?<!\d)\d{16,19}(?!\d)/g, '[银行卡号]'],
  [/(?<!\d)(\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)/g, '[手机号]'],
  [/(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)/g, '[电话]'],
  // A Chinese street address: province/city/district … road/street … number/building/room.
  [
    /[\p{Script=Han}]{2,12}(省|市|自治区)?[\p{Script=Han}]{0,8}(区|县|镇)[\p{Script=Han}\d]{0,20}(路|街|道|巷|村|弄|小区)[\p{Script=Han}\d-]{0,12}(号|栋|幢|单元|室|楼)?/gu,
    '[地址]',
  ],
];

export function maskPersonalData(text: string): string {
  return rules.reduce((masked, [pattern, placeholder]) => masked.replace(pattern, placeholder), text);
}

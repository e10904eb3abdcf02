// Personal data never leaves for an LLM: e-mail addresses, phone numbers (mobile and landline,
// with +86, spaces, dots or dashes, in full-width digits too), ID-card and bank-card numbers (also
// written in groups), WeChat and QQ ids, and street addresses (with or without province, city and
// district) become placeholders before any text is sent.
//
// Linear time on any input: every pattern has bounded quantifiers and starts at a token boundary,
// and the patterns run on a "shadow" of the text in which full-width forms are mapped one to one
// to ASCII, so indices stay aligned and one pass per rule is enough. (The previous e-mail pattern
// backtracked quadratically: 16 s on 100 kB of letters.)

type Classifier = (match: string) => string | undefined;
/** Where in the match to put which placeholder: [start, end, placeholder]. */
type Spans = (match: string) => [number, number, string][];

interface Rule {
  pattern: RegExp;
  /** The placeholder, or undefined to leave this match as it is. */
  classify?: Classifier;
  /** Several placeholders inside one match (a run of digit groups). */
  spans?: Spans;
  /** Replace only this capture group (the id after a keyword), keeping the keyword. */
  group?: number;
}

const digitsOf = (text: string) => text.replace(/[^\dXx]/g, '');

/** Card numbers carry a Luhn check digit; an order number of the same length rarely does. */
function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

function validDate(year: number, month: number, day: number): boolean {
  return year >= 1900 && year <= 2099 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/** A run of 10–23 digits (in groups or not): what kind of number it is, if it is personal. */
function classifyNumber(match: string): string | undefined {
  const digits = digitsOf(match);
  const n = digits.length;
  if (n === 18 && /^\d{17}[\dXx]$/.test(digits)) {
    const date = digits.slice(6, 14);
    if (validDate(Number(date.slice(0, 4)), Number(date.slice(4, 6)), Number(date.slice(6, 8)))) return '[身份证号]';
  }
  if (/[Xx]/.test(digits)) return undefined;
  if (
    n === 15 &&
    validDate(1900 + Number(digits.slice(6, 8)), Number(digits.slice(8, 10)), Number(digits.slice(10, 12)))
  )
    return '[身份证号]';
  if (n === 11 && /^1[3-9]/.test(digits)) return '[手机号]';
  if (n === 13 && /^861[3-9]/.test(digits)) return '[手机号]';
  if (n >= 10 && n <= 12 && digits.startsWith('0')) return '[电话]';
  if (n >= 16 && n <= 19 && luhnValid(digits)) return '[银行卡号]';
  return undefined;
}

/**
 * A run of digit groups may join a personal number with its neighbours (订单 2 138 1234 5678):
 * when the whole run is not one, the longest sequences of whole groups that are get masked.
 */
function numberSpans(match: string): [number, number, string][] {
  const whole = classifyNumber(match);
  if (whole) return [[0, match.length, whole]];
  const groups = [...match.matchAll(/[\dXx]+/g)].map((g) => [g.index, g.index + g[0].length] as const);
  const found: [number, number, string][] = [];
  for (let i = 0; i < groups.length;) {
    // Inside a longer run only a mobile or an ID number stands out (11, 13, 15 or 18 digits): a
    // landline or a card number cut from the middle of one would be a guess.
    let best: [number, string] | undefined;
    let digits = 0;
    for (let j = i; j < groups.length && digits <= 18; j++) {
      digits += groups[j]![1] - groups[j]![0];
      if (![11, 13, 15, 18].includes(digits)) continue;
      const placeholder = classifyNumber(match.slice(groups[i]![0], groups[j]![1]));
      if (placeholder === '[手机号]' || placeholder === '[身份证号]') best = [j, placeholder];
    }
    if (!best) {
      i += 1;
      continue;
    }
    found.push([groups[i]![0], groups[best[0]]![1], best[1]]);
    i = best[0] + 1;
  }
  return found;
}

const always =
  (placeholder: string): Classifier =>
  () =>
    placeholder;

const rules: Rule[] = [
  {
    pattern: /(?<![\w.+-])[\w.+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,6}/g,
    classify: always('[邮箱]'),
  },
  { pattern: /(?<![A-Za-z0-9_])wxid_[A-Za-z0-9_]{4,30}/g, classify: always('[微信号]') },
  {
    // 微信/WeChat/vx/wx (号/id) followed by the id: a letter, then 5–19 letters, digits, _ or -.
    pattern:
      /(?:微信|威信|薇信|v信|weixin|wechat|vx|wx)(?:号|id)?[\s:：是为]{0,3}([A-Za-z][-_A-Za-z0-9]{5,19})(?![-_A-Za-z0-9])/gi,
    classify: always('[微信号]'),
    group: 1,
  },
  {
    pattern: /(?:qq|扣扣|企鹅)(?:号码|号)?[\s:：是为]{0,3}(\d{5,11})(?!\d)/gi,
    classify: always('[QQ号]'),
    group: 1,
  },
  {
    // Digits with at most one separator between two of them: 110101 19900307 4513, 6222-0200-…
    pattern: /(?<![\dA-Za-z])\+?\d(?:[ \t.-]?\d){9,22}(?:[ \t-]?[Xx])?(?![\dA-Za-z])/g,
    spans: numberSpans,
  },
  { pattern: /\(0\d{2,3}\)[ \t-]?\d{7,8}(?!\d)/g, classify: always('[电话]') },
];

// An address is found by its anchor (a road and its number, a compound and its building, a
// building and its unit), then extended to the left over the place names before it.
const ADDRESS_ANCHOR =
  /(?:(?:路|街|大道|巷|弄|胡同)[ \t]?\d{1,5}[ \t]?(?:号|弄)|(?:小区|花园|公寓|大厦|广场|新村|苑|村|园)[ \t]?\d{1,4}[ \t]?(?:号楼|栋|幢|座)|\d{1,4}[ \t]?(?:号楼|栋|幢|座)[ \t]?\d{1,3}[ \t]?单元)(?:[ \t]?-?\d{1,5}[ \t]?(?:号楼|栋|幢|座|单元|层|楼|室|号|户)?){0,4}/g;
const PLACE_CHAR = /[\p{Script=Han}A-Za-z0-9]/u;
/** Words that end the place name on its left: 我家住在|北京市…, 寄到|幸福路8号. */
const BEFORE_ADDRESS = new Set([
  ...'是在住址到寄送为的我你他她家请帮发往至从去来和及与了吗呢啊哦嗯，。、：:；;！!？? \t\n',
]);
const MAX_PLACE_CHARS = 24;

function addressSpans(shadow: string): [number, number][] {
  const spans: [number, number][] = [];
  for (const match of shadow.matchAll(ADDRESS_ANCHOR)) {
    let start = match.index;
    const floor = Math.max(spans.at(-1)?.[1] ?? 0, start - MAX_PLACE_CHARS);
    while (start > floor && PLACE_CHAR.test(shadow[start - 1]!) && !BEFORE_ADDRESS.has(shadow[start - 1]!)) start -= 1;
    spans.push([start, match.index + match[0].length]);
  }
  return spans;
}

/** Full-width ASCII forms (０-９, Ａ-Ｚ, ＠, ＋, －, …) and the ideographic space, one to one. */
function shadowOf(text: string): string {
  return text.replace(/[\uff01-\uff5e\u3000]/g, (char) =>
    char === '\u3000' ? ' ' : String.fromCharCode(char.charCodeAt(0) - 0xfee0),
  );
}

/** Replaces the spans (sorted, not overlapping) in both strings, which stay aligned. */
function replaceSpans(
  text: string,
  shadow: string,
  spans: { start: number; end: number; placeholder: string }[],
): [string, string] {
  if (spans.length === 0) return [text, shadow];
  const outText: string[] = [];
  const outShadow: string[] = [];
  let at = 0;
  for (const { start, end, placeholder } of spans) {
    outText.push(text.slice(at, start), placeholder);
    outShadow.push(shadow.slice(at, start), placeholder);
    at = end;
  }
  outText.push(text.slice(at));
  outShadow.push(shadow.slice(at));
  return [outText.join(''), outShadow.join('')];
}

export function maskPersonalData(text: string): string {
  let masked = text;
  let shadow = shadowOf(text);
  for (const rule of rules) {
    const spans: { start: number; end: number; placeholder: string }[] = [];
    const pattern = rule.group ? new RegExp(rule.pattern.source, `${rule.pattern.flags}d`) : rule.pattern;
    for (const match of shadow.matchAll(pattern)) {
      if (rule.spans) {
        for (const [start, end, placeholder] of rule.spans(match[0]))
          spans.push({ start: match.index + start, end: match.index + end, placeholder });
        continue;
      }
      const placeholder = rule.classify?.(match[0]);
      if (!placeholder) continue;
      const [start, end] = rule.group ? match.indices![rule.group]! : [match.index, match.index + match[0].length];
      spans.push({ start, end, placeholder });
    }
    [masked, shadow] = replaceSpans(masked, shadow, spans);
  }
  const addresses = addressSpans(shadow).map(([start, end]) => ({ start, end, placeholder: '[地址]' }));
  return replaceSpans(masked, shadow, addresses)[0];
}

// Is an LLM rewrite still the knowledge-base entry it rewrites? It may change the wording, never
// the facts: every number (amounts, days, hours, dates, phone numbers; 七天 counts as 7), every
// link, every promise (退款, 免费, 保证, …) and every time word (明天, 工作日, …) in the rewrite must
// already be in the entry. Anything else is a claim the KB does not make, and the caller sends the
// entry's own answer instead.
import lexicon from './grounding.json';

const fold = (text: string) =>
  text
    .normalize('NFKC') // full-width digits and letters → ASCII
    .toLowerCase();

const DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000, 万: 10_000 };

/** 七 → 7, 十五 → 15, 二十 → 20, 一百零八 → 108, 两万 → 20000; undefined when not a numeral. */
export function chineseNumeral(text: string): number | undefined {
  let total = 0;
  let section = 0;
  let digit: number | undefined;
  for (const char of text) {
    if (char in DIGITS) {
      digit = DIGITS[char]!;
    } else if (char in UNITS) {
      const unit = UNITS[char]!;
      if (unit === 10_000) {
        total += (section + (digit ?? 0)) * unit;
        section = 0;
      } else section += (digit ?? 1) * unit;
      digit = undefined;
    } else return undefined;
  }
  return total + section + (digit ?? 0);
}

/** Chinese numerals count only before a unit of time, money or quantity (一下, 一定 are words). */
const CHINESE_NUMBER =
  /([零〇一二两三四五六七八九十百千万]+)(?=个?(?:天|日|小时|分钟|月|年|周|星期|元|块|次|件|折|倍|号|点|工作日|%))/g;
const ARABIC_NUMBER = /\d+(?:\.\d+)?/g;
const LINK =
  /https?:\/\/[^\s，。、)）]+|www\.[^\s，。、)）]+|\b[a-z0-9-]+\.(?:com|cn|net|org|io|top|shop)(?:\/[^\s，。、)）]*)?/g;

const canonical = (value: number) => String(value);

function numbersIn(text: string): Set<string> {
  const found = new Set<string>();
  for (const match of text.matchAll(ARABIC_NUMBER)) found.add(canonical(Number(match[0])));
  for (const match of text.matchAll(CHINESE_NUMBER)) {
    const value = chineseNumeral(match[1]!);
    if (value !== undefined) found.add(canonical(value));
  }
  return found;
}

/** What the rewrite claims that the source (the entry's answer and question) does not; empty when grounded. */
export function ungroundedClaims(rewrite: string, source: string): string[] {
  const said = fold(rewrite);
  const known = fold(source);
  const claims: string[] = [];
  const knownNumbers = numbersIn(known);
  for (const number of numbersIn(said)) if (!knownNumbers.has(number)) claims.push(`number ${number}`);
  for (const link of said.match(LINK) ?? []) if (!known.includes(link)) claims.push(`link ${link}`);
  for (const word of lexicon.promises) if (said.includes(word) && !known.includes(word)) claims.push(`promise ${word}`);
  for (const word of lexicon.timeWords) if (said.includes(word) && !known.includes(word)) claims.push(`time ${word}`);
  return claims;
}

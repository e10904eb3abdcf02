// Retrieval tokens: for Chinese, single Han characters (without function characters) plus
// overlapping bigrams, which survive rewording better than dictionary words; for Latin text,
// lower-case words without stop words, lightly stemmed; digits as whole numbers. Filler words
// (东西, 请问, …) go first: they wrap any question and say nothing about its topic.
import stop from './lexicons/stopchars.json';

const stopChars = new Set(stop.chars);
const fillers = new RegExp(stop.fillers.join('|'), 'g');
const stopWords = new Set(stop.words);
const HAN = /\p{Script=Han}/u;

function stem(word: string): string {
  if (word.length > 4 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 3 && word.endsWith('ed')) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/** Tokens of already-normalised text. */
export function tokenize(normalized: string): string[] {
  const tokens: string[] = [];
  const text = normalized.replace(fillers, ' ');
  for (const run of text.match(/\p{Script=Han}+|[a-z0-9]+(?:[-'][a-z0-9]+)*/gu) ?? []) {
    if (HAN.test(run[0]!)) {
      const chars = [...run];
      chars.forEach((char, i) => {
        if (!stopChars.has(char)) tokens.push(char);
        const next = chars[i + 1];
        if (next !== undefined && !(stopChars.has(char) && stopChars.has(next))) tokens.push(char + next);
      });
    } else if (!stopWords.has(run)) {
      tokens.push(stem(run));
    }
  }
  return tokens;
}

/** Character bigram set for similarity between two customer turns. */
export function shingles(normalized: string): Set<string> {
  const compact = normalized.replace(/[^\p{Script=Han}a-z0-9]/gu, '');
  const set = new Set<string>();
  const chars = [...compact];
  if (chars.length === 1) set.add(chars[0]!);
  for (let i = 0; i + 1 < chars.length; i++) set.add(chars[i]! + chars[i + 1]!);
  return set;
}

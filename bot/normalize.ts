// Text normalisation shared by retrieval and the detectors: full-width to half-width (NFKC),
// traditional to simplified characters (OpenCC), lower case, emoji and symbols to spaces, and the
// domain synonyms of lexicons/synonyms.json.
import { Converter } from 'opencc-js/t2cn';
import synonymData from './lexicons/synonyms.json';

/** Traditional characters (Hong Kong, Taiwan) to the simplified ones the KB is written in. */
const toSimplified = Converter({ from: 't', to: 'cn' });

export function normalizeText(text: string): string {
  return toSimplified(text.normalize('NFKC'))
    .toLowerCase()
    .replace(/[\p{Extended_Pictographic}\u{FE0F}\u{200D}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** English endings a synonym also matches with (invoices, repaired, shipping). */
const INFLECTIONS = ['ing', 'es', 'ed', 's', 'd'];
const synonymOf = new Map<string, string>();
for (const [canonical, variants] of Object.entries(synonymData)) {
  if (canonical.startsWith('_')) continue;
  synonymOf.set(canonical, canonical);
  for (const variant of variants as string[]) synonymOf.set(variant, canonical);
}
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// One pass, longest first, canonical forms included, so a canonical word is never rewritten again.
const synonymPattern = new RegExp(
  [...synonymOf.keys()]
    .sort((a, b) => b.length - a.length)
    .map((key) => (/^[a-z]/.test(key) ? `\\b${escape(key)}(?:${INFLECTIONS.join('|')})?\\b` : escape(key)))
    .join('|'),
  'g',
);

function canonicalOf(match: string): string {
  const exact = synonymOf.get(match);
  if (exact) return exact;
  for (const ending of INFLECTIONS) {
    const base = match.endsWith(ending) ? synonymOf.get(match.slice(0, -ending.length)) : undefined;
    if (base) return base;
  }
  return match;
}

export function applySynonyms(normalized: string): string {
  return normalized
    .replace(synonymPattern, (match) => ` ${canonicalOf(match)} `)
    .replace(/\s+/g, ' ')
    .trim();
}

// Text normalisation shared by retrieval and the detectors: full-width to half-width (NFKC),
// lower case, emoji and symbols to spaces, and the domain synonyms of lexicons/synonyms.json.
import synonymData from './lexicons/synonyms.json';

export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{Extended_Pictographic}\u{FE0F}\u{200D}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

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
    .map((key) => (/^[a-z]/.test(key) ? `\\b${escape(key)}\\b` : escape(key)))
    .join('|'),
  'g',
);

export function applySynonyms(normalized: string): string {
  return normalized
    .replace(synonymPattern, (match) => ` ${synonymOf.get(match) ?? match} `)
    .replace(/\s+/g, ' ')
    .trim();
}

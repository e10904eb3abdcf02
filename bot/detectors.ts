// Rule-based detectors over normalised text, each driven by a lexicon in lexicons/ (data, not
// code): explicit human requests (with negation), negative sentiment, high risk, smalltalk,
// answers to "did that help?", re-ask markers, elliptical follow-ups, and unreadable input.
import followUp from './lexicons/followUp.json';
import queueLexicon from './lexicons/queue.json';
import confirmation from './lexicons/confirmation.json';
import human from './lexicons/humanRequest.json';
import negative from './lexicons/negative.json';
import reaskData from './lexicons/reask.json';
import risk from './lexicons/risk.json';
import smalltalkData from './lexicons/smalltalk.json';

const lower = (list: string[]) => list.map((term) => term.normalize('NFKC').toLowerCase());
const isLatin = (term: string) => /^[a-z0-9 '-]+$/.test(term);

const escapeRegExp = (term: string) => term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Matches whole words (and whole numbers: "110", not inside an order number) for Latin terms, substrings for Chinese ones. */
function matcher(terms: string[]): (text: string) => string[] {
  const list = lower(terms).map((term) => ({
    term,
    pattern: isLatin(term) ? new RegExp(`(^|[^a-z0-9])${escapeRegExp(term)}($|[^a-z0-9])`) : undefined,
  }));
  return (text) =>
    list.filter(({ term, pattern }) => (pattern ? pattern.test(text) : text.includes(term))).map(({ term }) => term);
}

/** Text with the matched phrases cut out, to see what else the customer said. */
function without(text: string, terms: string[]): string {
  return lower(terms)
    .sort((a, b) => b.length - a.length)
    .reduce((rest, term) => rest.split(term).join(' '), text);
}

/**
 * The first text any of the regular expressions (kept in the lexicons for open-ended shapes)
 * matches, or undefined.
 */
function anyPatternOf(patterns: string[]): (text: string) => string | undefined {
  const compiled = patterns.map((pattern) => new RegExp(pattern, 'u'));
  return (text) => {
    for (const pattern of compiled) {
      const found = pattern.exec(text);
      if (found) return found[0];
    }
    return undefined;
  };
}

const strip = (text: string) => text.replace(/[^\p{Script=Han}a-z0-9]/gu, '');

const humanRequestTerms = matcher(human.request);
const humanNegation = matcher(human.negation);
const aboutService = matcher(human.aboutService);
const aboutServiceWhenAsked = matcher(human.aboutServiceWhenAsked);
const questionMarks = matcher(human.questionMarks);
const asksAboutService = (text: string) =>
  aboutService(text).length > 0 || (aboutServiceWhenAsked(text).length > 0 && questionMarks(text).length > 0);
const humanExact = new Set(lower(human.exact).map(strip));
const humanRequestShape = anyPatternOf(human.requestPatterns);
const humanNegationShape = anyPatternOf(human.negationPatterns);

/** The customer says they do not want a human (不用转人工): nothing may read it as a request. */
export function humanRequestDeclined(text: string): boolean {
  const rest = without(text, human.exclusion);
  return humanNegation(rest).length > 0 || humanNegationShape(rest) !== undefined;
}

export function detectHumanRequest(text: string): boolean {
  const rest = without(text, human.exclusion);
  if (humanNegation(rest).length > 0 || humanNegationShape(rest) !== undefined) return false;
  const compact = strip(rest).replace(/^(我要|我想|要|找|转|请转|给我转)/, '');
  // 人工, 人工！, 人工人工人工: the whole message is the request.
  if (humanExact.has(compact) || /^(人工|客服){2,}$/.test(compact)) return true;
  // "人工客服几点上班" asks about the human service; it does not ask for a human.
  return (humanRequestTerms(rest).length > 0 || humanRequestShape(rest) !== undefined) && !asksAboutService(rest);
}

/**
 * What a message says besides asking for a person ("我的摄像头一直离线，给我找个人" → "我的摄像头一直离线"):
 * the request's phrases and shapes cut out, so the problem it names can be read on its own.
 */
export function besidesHumanRequest(text: string): string {
  let rest = without(text, [...human.request, ...human.exact]);
  for (const pattern of human.requestPatterns) rest = rest.replace(new RegExp(pattern, 'gu'), ' ');
  return rest.replace(/^[\s\p{P}]*(我要|我想|要|找|转|请转|给我转|给我|帮我)?/u, '').trim();
}

const strongNegative = matcher(negative.strong);
const weakNegative = matcher(negative.weak);
const negativeShape = anyPatternOf(negative.patterns);

export function detectNegative(text: string): { negative: boolean; score: number; terms: string[] } {
  const shaped = negativeShape(text);
  const strong = [...strongNegative(text), ...(shaped ? [shaped] : [])];
  const weak = weakNegative(text);
  const intense = negative.intensifiers.some((mark) => text.includes(mark.normalize('NFKC')));
  const score = Math.min(1, strong.length * 0.6 + weak.length * 0.25 + (intense ? 0.2 : 0));
  return { negative: strong.length > 0 || (weak.length >= 2 && intense), score, terms: [...strong, ...weak] };
}

const riskPatterns = risk.patterns as Record<string, string[]>;
const riskGroups = Object.entries(risk)
  .filter(([key]) => !key.startsWith('_') && key !== 'exclusion' && key !== 'patterns')
  .map(([kind, terms]) => ({ kind, match: matcher(terms as string[]), shape: anyPatternOf(riskPatterns[kind] ?? []) }));

export function detectRisk(text: string): { high: boolean; kind?: string; terms: string[] } {
  const rest = without(text, risk.exclusion);
  for (const { kind, match, shape } of riskGroups) {
    const terms = match(rest);
    if (terms.length > 0) return { high: true, kind, terms };
    const shaped = shape(rest);
    if (shaped) return { high: true, kind, terms: [shaped] };
  }
  return { high: false, terms: [] };
}

const smalltalkKinds = (['greeting', 'thanks', 'ack', 'bye'] as const).map((kind) => ({
  kind,
  terms: smalltalkData[kind],
}));
const allSmalltalk = smalltalkKinds.flatMap((k) => k.terms);

/** Smalltalk only when nothing informative is left once the polite phrases are removed. */
export function detectSmalltalk(text: string): 'greeting' | 'thanks' | 'ack' | 'bye' | undefined {
  const found = smalltalkKinds.find(({ terms }) => matcher(terms)(text).length > 0);
  if (!found) return undefined;
  let rest = strip(without(text, allSmalltalk));
  for (const filler of smalltalkData.filler) rest = rest.split(filler).join('');
  return rest.length <= 1 ? found.kind : undefined;
}

const confirmYes = matcher(confirmation.yes);
const confirmNo = matcher(confirmation.no);

export function detectConfirmation(text: string): 'yes' | 'no' | undefined {
  if (confirmNo(text).length > 0) return 'no';
  if (confirmYes(text).length > 0) return 'yes';
  return undefined;
}

const reaskMarkers = matcher(reaskData.markers);
export const detectReask = (text: string): boolean => reaskMarkers(text).length > 0;

/** Keyboard mashing, lone punctuation, or Latin letters with no vowel pattern of a word. */
export function detectGibberish(text: string): boolean {
  const compact = strip(text);
  if (compact.length === 0) return true;
  if (/\p{Script=Han}/u.test(compact)) return false;
  const words = text.match(/[a-z]+/g) ?? [];
  if (words.length === 0) return !/\d/.test(compact);
  // A long run of consonants or a single vowel-less word reads as mashing ("asdfghjkl").
  return words.every((word) => word.length >= 4 && (/[^aeiouy]{5,}/.test(word) || !/[aeiouy]/.test(word)));
}

const waitTimeTerms = matcher(queueLexicon.waitTime);
const waitTimeShapes = queueLexicon.waitTimeShapes.map((shape) => new RegExp(shape));
const cancelTerms = matcher(queueLexicon.cancel);
const cancelShapes = queueLexicon.cancelShapes.map((shape) => new RegExp(shape));

/** A waiting customer asking how long it will be, or giving up on the wait. */
export function detectQueueIntent(text: string): 'wait_time' | 'cancel' | undefined {
  if (cancelTerms(text).length > 0 || cancelShapes.some((shape) => shape.test(text))) return 'cancel';
  if (waitTimeTerms(text).length > 0 || waitTimeShapes.some((shape) => shape.test(text))) return 'wait_time';
  return undefined;
}

const followUpShape = anyPatternOf(followUp.patterns);

/** A short message that borrows its question from the previous turn (那摄像头呢, what about the lock?). */
export const detectFollowUp = (text: string): boolean => followUpShape(text) !== undefined;

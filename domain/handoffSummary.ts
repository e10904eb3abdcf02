// The handoff card's summary when no model wrote one: what the customer wants, what the bot
// already tried, and why it handed over, in the interface's language, from what the conversation
// understood (the KB entries it answered, the answers the customer rejected) instead of a
// concatenation of the customer's last lines. Also the customer's mood that led to the handoff.
// Pure: the conversation workflow calls it, so it must stay deterministic.
import words from './handoffSummary.json';
import labels from './labels.json';
import type { HandoffReason, PolicyMemory } from './policy';
import type { Understanding } from './understanding';

export type HandoffMood = 'negative' | 'anxious' | 'neutral' | 'unknown';

export interface ReadableEntry {
  question: string;
  skill?: string;
}

export interface HandoffSummaryInput {
  reason: HandoffReason;
  /** The customer's own lines, oldest first (menu clicks included: they are filtered here). */
  customerSaid: string[];
  memory: Pick<PolicyMemory, 'answeredEntryIds' | 'rejections' | 'notUnderstood'>;
  /** The entry the customer asks about: the one answered last, else the bot's fair guess. */
  intent?: string;
  /** The turn that led to the handoff; absent when an agent took the conversation over. */
  understanding?: Pick<Understanding, 'sentiment' | 'risk'>;
  /** KB entries by id, with their question (a readable intent) and skill. */
  entries: Record<string, ReadableEntry>;
  /** Skill id → its name (the KB file's `skills`). */
  skills: Record<string, string>;
}

export interface HandoffSummary {
  wants: string;
  tried: string;
  why: string;
  /** The three sentences, one per line: the card's summary. */
  text: string;
  mood: HandoffMood;
  /** The customer's words behind the mood (at most five). */
  moodTerms: string[];
}

/** Quotes are cut to this many characters: the card is read at a glance. */
const QUOTE_MAX = 50;
/** At most this many answers are named; the rest are counted. */
const ANSWERS_NAMED = 3;

const normalize = (text: string) => text.normalize('NFKC').toLowerCase();
// Longest first, so 转人工 is removed before 人工 leaves a stray 转.
const noise = [...words.noise].map(normalize).sort((a, b) => b.length - a.length);
const urgency = words.urgency.map(normalize);

/** A line that says nothing about the problem: a request for a person, a greeting, a menu click. */
export function isNoise(line: string): boolean {
  let rest = normalize(line);
  for (const phrase of noise) rest = rest.split(phrase).join('');
  return rest.replace(/[\p{P}\p{S}\s]/gu, '').length < 2;
}

const quote = (text: string) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return `「${flat.length > QUOTE_MAX ? `${flat.slice(0, QUOTE_MAX)}…` : flat}」`;
};

const questionOf = (input: HandoffSummaryInput, entryId: string) => input.entries[entryId]?.question ?? entryId;

function wantsOf(input: HandoffSummaryInput): string {
  const said = input.customerSaid.filter((line) => !isNoise(line));
  const last = said.at(-1);
  if (input.intent) {
    const entry = input.entries[input.intent];
    const skill = entry?.skill ? input.skills[entry.skill] : undefined;
    const topic = `客户想了解：${questionOf(input, input.intent)}${skill ? `（${skill}）` : ''}。`;
    return last ? `${topic}最后说：${quote(last)}。` : topic;
  }
  if (last) return `客户说：${quote(last)}。`;
  return '客户还没有说明具体问题。';
}

function triedOf(input: HandoffSummaryInput): string {
  const answered = [...new Set(input.memory.answeredEntryIds)];
  const rejections = Math.max(input.memory.rejections, input.reason === 'answer_rejected' ? 1 : 0);
  if (answered.length > 0) {
    const named = answered.slice(0, ANSWERS_NAMED).map((id) => `「${questionOf(input, id)}」`);
    const more = answered.length > ANSWERS_NAMED ? `等 ${answered.length} 条` : '';
    const outcome =
      rejections > 0
        ? `，客户 ${rejections} 次表示没有解决`
        : input.reason === 'repeated_question'
          ? '，客户仍在重复提问'
          : '';
    return `机器人已回答${named.join('')}${more}${outcome}。`;
  }
  if (input.memory.notUnderstood > 0) return `机器人没能理解客户的问题（追问了 ${input.memory.notUnderstood} 次）。`;
  return '机器人还没有作答。';
}

function whyOf(input: HandoffSummaryInput): string {
  const reason = (labels.handoffReasons as Record<string, string>)[input.reason] ?? input.reason;
  const risk = input.understanding?.risk;
  if (input.reason === 'high_risk' && risk?.high) {
    const kind = risk.kind ? (labels.riskKinds as Record<string, string>)[risk.kind] : undefined;
    const terms = risk.terms.slice(0, 3).join('、');
    return `转人工原因：${reason}${kind ? `（${kind}${terms ? `：${terms}` : ''}）` : ''}。`;
  }
  return `转人工原因：${reason}。`;
}

/** How the customer felt when the bot handed over: upset, in a hurry (or in danger), calm, or unknown. */
export function handoffMood(input: Pick<HandoffSummaryInput, 'reason' | 'customerSaid' | 'understanding'>): {
  mood: HandoffMood;
  terms: string[];
} {
  const u = input.understanding;
  const recent = input.customerSaid.slice(-2).map(normalize).join('\n');
  const hurried = urgency.filter((mark) => recent.includes(mark));
  if (u?.sentiment.negative || input.reason === 'negative_sentiment') {
    return { mood: 'negative', terms: [...(u?.sentiment.terms ?? []), ...hurried].slice(0, 5) };
  }
  if (u?.risk.high || input.reason === 'high_risk' || hurried.length > 0) {
    return { mood: 'anxious', terms: [...hurried, ...(u?.risk.terms ?? [])].slice(0, 5) };
  }
  return { mood: u ? 'neutral' : 'unknown', terms: [] };
}

export function handoffSummary(input: HandoffSummaryInput): HandoffSummary {
  const wants = wantsOf(input);
  const tried = triedOf(input);
  const why = whyOf(input);
  const { mood, terms } = handoffMood(input);
  return { wants, tried, why, text: [wants, tried, why].join('\n'), mood, moodTerms: terms };
}

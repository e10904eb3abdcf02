// What a customer's profile holds and how it changes: the tier is one of the service levels' tiers
// (kb/service-levels.json), tags are short labels from agents, imports and WeCom. Tags that WeCom
// gives carry their source: where the customer came in (`scene:`, `scene_param:` from enter_session)
// and the corp's own tags on the external contact (`wecom:`). Pure: the api, the import and the
// activities share these rules.
import { z } from 'zod';
import type { ServiceLevels } from './serviceLevels';

export const DEFAULT_TIER = 'normal';
export const MAX_TAGS = 50;
export const MAX_TAG_CHARS = 64;

/** What separates tags in one CSV cell, so no tag may contain it. */
const SEPARATORS = /[,;|、，；\r\n]/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;
const SEPARATORS_AND_CONTROL = new RegExp(`${SEPARATORS.source}|${CONTROL.source}`, 'g');

export const tagSchema = z
  .string()
  .trim()
  .min(1, 'a tag may not be empty')
  .max(MAX_TAG_CHARS, `a tag has at most ${MAX_TAG_CHARS} characters`)
  .refine((tag) => !SEPARATORS.test(tag) && !CONTROL.test(tag), 'a tag may not contain , ; | 、 or line breaks')
  .refine((tag) => !tag.startsWith('-'), 'a tag may not start with - (an import reads -tag as “remove tag”)');

/** The tiers a customer may have: `normal` and every tier the service levels name. */
export function tiersOf(levels: ServiceLevels | undefined): [string, ...string[]] {
  return [DEFAULT_TIER, ...Object.keys(levels?.tiers ?? {}).filter((tier) => tier !== DEFAULT_TIER)];
}

export function tierSchema(levels: ServiceLevels | undefined) {
  const tiers = tiersOf(levels);
  return z.enum(tiers, { error: `must be one of ${tiers.join(', ')} (the tiers of the service levels)` });
}

/** A change to one customer's profile: tags added and removed, and (supervisors only) the tier. */
export function profileChangeSchema(levels: ServiceLevels | undefined) {
  return z
    .strictObject({
      tier: tierSchema(levels).optional(),
      add: z.array(tagSchema).max(MAX_TAGS).optional(),
      remove: z.array(tagSchema).max(MAX_TAGS).optional(),
    })
    .refine((c) => c.tier !== undefined || (c.add?.length ?? 0) + (c.remove?.length ?? 0) > 0, {
      message: 'say what changes: tier, add or remove',
    })
    .refine((c) => !c.add?.some((tag) => c.remove?.includes(tag)), {
      message: 'a tag cannot be both added and removed',
    });
}

export type ProfileChange = z.infer<ReturnType<typeof profileChangeSchema>>;

/** The tags after a change: removed ones go, new ones join at the end, none twice. */
export function changedTags(current: readonly string[], add: readonly string[] = [], remove: readonly string[] = []) {
  const kept = current.filter((tag) => !remove.includes(tag));
  return [...new Set([...kept, ...add])];
}

/** Why a change cannot be made to these tags, or undefined. */
export function tagLimitProblem(
  current: readonly string[],
  add: readonly string[] = [],
  remove: readonly string[] = [],
) {
  const after = changedTags(current, add, remove);
  return after.length > MAX_TAGS && after.length > current.length
    ? `a customer has at most ${MAX_TAGS} tags (this one would have ${after.length}): remove some first`
    : undefined;
}

/** A value WeCom chose turned into a valid tag: separators and control characters become `_`, cut to length. */
function tagFrom(prefix: string, value: string): string | undefined {
  const cleaned = value.replace(SEPARATORS_AND_CONTROL, '_').trim();
  return cleaned ? `${prefix}${cleaned}`.slice(0, MAX_TAG_CHARS) : undefined;
}

/** Where the customer came in (enter_session, or batchget's enter_session_context) as tags. */
export function sceneTags(scene: string | undefined, sceneParam: string | undefined): string[] {
  return [tagFrom('scene:', scene ?? ''), tagFrom('scene_param:', sceneParam ?? '')].filter(
    (tag): tag is string => tag !== undefined,
  );
}

export const CONTACT_TAG_PREFIX = 'wecom:';

/** The corp's tags on the external contact (externalcontact/get's follow_user[].tags) as tags. */
export function contactTags(tagNames: readonly string[]): string[] {
  return [...new Set(tagNames.map((name) => tagFrom(CONTACT_TAG_PREFIX, name)).filter((t): t is string => Boolean(t)))];
}

const FROM_WECOM = /^(scene|scene_param):/;

/**
 * Tags WeCom adds on its own (a customer entering again and again from new pages) must not grow a
 * profile without end: past the limit the oldest entry-point tags go first.
 */
export function withinTagLimit(tags: readonly string[]): string[] {
  let excess = tags.length - MAX_TAGS;
  if (excess <= 0) return [...tags];
  const kept = tags.filter((tag) => !(FROM_WECOM.test(tag) && excess-- > 0));
  return kept.slice(0, MAX_TAGS);
}

// Service levels per customer tier, as configuration (kb/service-levels.json, SERVICE_LEVELS_FILE):
// which moments hand off at once, the queue-wait and first-response SLAs, ticket due times, which
// agents may serve the tier and how much higher it queues; and each kf account's business hours.
// A conversation keeps the levels it started with (they travel in its input, like the policy).
import { z } from 'zod';
import type { BusinessCalendar } from './businessHours';

const hours = z.array(z.string().regex(/^\d{1,2}:\d{2}-\d{1,2}:\d{2}$/, 'hours look like 09:00-18:00'));

export const businessCalendarSchema = z.object({
  utcOffsetMinutes: z.number().int().min(-720).max(840).default(480),
  week: z.record(z.enum(['1', '2', '3', '4', '5', '6', '7']), hours),
  holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).default([]),
  extraDays: z.record(z.string().regex(/^\d{4}-\d{2}-\d{2}$/), hours).default({}),
});

export const tierLevelSchema = z.object({
  /** A VIP who is not understood once goes to a person at once. */
  handoffWhenNotUnderstood: z.boolean().default(false),
  queueWaitSlaMs: z.number().int().positive().optional(),
  firstResponseSlaMs: z.number().int().positive().optional(),
  ticketDueHours: z
    .object({ low: z.number(), normal: z.number(), high: z.number(), urgent: z.number() })
    .partial()
    .optional(),
  /** Agent tiers that may serve the tier (all when absent). How far ahead it queues is the policy's tierBonus. */
  servedBy: z.array(z.enum(['junior', 'senior', 'supervisor'])).optional(),
});

export const serviceLevelsSchema = z.object({
  tiers: z.record(z.string(), tierLevelSchema).default({}),
  /** Business hours by kf account id, and `default` for the others; absent: always open. */
  businessHours: z.record(z.string(), businessCalendarSchema).default({}),
});

export type TierLevel = z.infer<typeof tierLevelSchema>;
export type ServiceLevels = z.infer<typeof serviceLevelsSchema>;

export const noServiceLevels: ServiceLevels = { tiers: {}, businessHours: {} };

export function parseServiceLevels(json: unknown, source = 'service levels'): ServiceLevels {
  const parsed = serviceLevelsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${source}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** The customer's tier's level (an unknown tier is served as `normal`). */
export function levelOf(levels: ServiceLevels | undefined, tier: string): TierLevel {
  const tiers = levels?.tiers ?? {};
  return tiers[tier] ?? tiers.normal ?? tierLevelSchema.parse({});
}

export function calendarOf(levels: ServiceLevels | undefined, openKfId: string): BusinessCalendar | undefined {
  const hoursByAccount = levels?.businessHours ?? {};
  return (hoursByAccount[openKfId] ?? hoursByAccount.default) as BusinessCalendar | undefined;
}

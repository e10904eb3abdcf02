// The service levels file (SERVICE_LEVELS_FILE, kb/service-levels.json by default), read and checked
// at start-up: the worker starts conversations with it, the api takes the customer tiers from it.
// What the levels mean is domain/serviceLevels.ts.
import fs from 'node:fs';
import { z } from 'zod';
import type { BusinessCalendar } from '../domain/businessHours';
import type { ServiceLevels, TierLevel } from '../domain/serviceLevels';

const hours = z.array(z.string().regex(/^\d{1,2}:\d{2}-\d{1,2}:\d{2}$/, 'hours look like 09:00-18:00'));

const businessCalendarSchema = z.object({
  utcOffsetMinutes: z.number().int().min(-720).max(840).default(480),
  // Partial: a day left out is closed (a record keyed by an enum would demand all seven).
  week: z.partialRecord(z.enum(['1', '2', '3', '4', '5', '6', '7']), hours),
  holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).default([]),
  extraDays: z.record(z.string().regex(/^\d{4}-\d{2}-\d{2}$/), hours).default({}),
}) satisfies z.ZodType<BusinessCalendar>;

const tierLevelSchema = z.object({
  handoffWhenNotUnderstood: z.boolean().default(false),
  queueWaitSlaMs: z.number().int().positive().optional(),
  firstResponseSlaMs: z.number().int().positive().optional(),
  ticketDueHours: z
    .object({ low: z.number(), normal: z.number(), high: z.number(), urgent: z.number() })
    .partial()
    .optional(),
  servedBy: z.array(z.enum(['junior', 'senior', 'supervisor'])).optional(),
}) satisfies z.ZodType<TierLevel>;

const serviceLevelsSchema = z.object({
  tiers: z.record(z.string(), tierLevelSchema).default({}),
  businessHours: z.record(z.string(), businessCalendarSchema).default({}),
}) satisfies z.ZodType<ServiceLevels>;

export function parseServiceLevels(json: unknown, source = 'service levels'): ServiceLevels {
  const parsed = serviceLevelsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${source}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

export function loadServiceLevels(file: string): ServiceLevels {
  return parseServiceLevels(JSON.parse(fs.readFileSync(file, 'utf8')), file);
}

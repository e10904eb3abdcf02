// Service levels per customer tier, as configuration (kb/service-levels.json, SERVICE_LEVELS_FILE,
// checked by config/serviceLevels.ts): which moments hand off at once, the queue-wait and
// first-response SLAs, ticket due times, which agents may serve the tier and how much higher it
// queues; and each kf account's business hours. A conversation keeps the levels it started with
// (they travel in its input, like the policy). Plain types here: this module is part of every
// workflow (see domain/conversationSettings.ts on what that costs).
import type { BusinessCalendar } from './businessHours';

export interface TierLevel {
  /** A VIP who is not understood once goes to a person at once. */
  handoffWhenNotUnderstood: boolean;
  queueWaitSlaMs?: number;
  firstResponseSlaMs?: number;
  ticketDueHours?: Partial<Record<'low' | 'normal' | 'high' | 'urgent', number>>;
  /** Agent tiers that may serve the tier (all when absent). How far ahead it queues is the policy's tierBonus. */
  servedBy?: ('junior' | 'senior' | 'supervisor')[];
}

export interface ServiceLevels {
  tiers: Record<string, TierLevel>;
  /** Business hours by kf account id, and `default` for the others; absent: always open. */
  businessHours: Record<string, BusinessCalendar>;
}

export const noServiceLevels: ServiceLevels = { tiers: {}, businessHours: {} };

/** The level of a tier nobody configured. */
export const defaultTierLevel: TierLevel = { handoffWhenNotUnderstood: false };

/** The customer's tier's level (an unknown tier is served as `normal`). */
export function levelOf(levels: ServiceLevels | undefined, tier: string): TierLevel {
  const tiers = levels?.tiers ?? {};
  return tiers[tier] ?? tiers.normal ?? defaultTierLevel;
}

export function calendarOf(levels: ServiceLevels | undefined, openKfId: string): BusinessCalendar | undefined {
  const hoursByAccount = levels?.businessHours ?? {};
  return hoursByAccount[openKfId] ?? hoursByAccount.default;
}

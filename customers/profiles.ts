// One customer's profile changed by a person (the workspace, the REST API): tags added and removed,
// the tier set, written so that it is kept (profileWrites.ts) and recorded as an event with who made
// it. Two changes of one customer in this process go one after the other, so two agents tagging at
// once both keep their tag. The customer's next conversation starts with the new profile.
import { randomUUID } from 'node:crypto';
import { CustomerModel } from '../db/models/customer';
import { EventModel } from '../db/models/event';
import { DEFAULT_TIER, tagLimitProblem, type ProfileChange } from '../domain/customerProfile';
import { writeProfiles } from './profileWrites';

export interface CustomerKey {
  openKfId: string;
  externalUserId: string;
}

export class ProfileChangeRefused extends Error {}

export interface ChangedProfile extends CustomerKey {
  tier: string;
  tags: string[];
  /** false when the change asked for what the profile already was. */
  changed: boolean;
}

/** People's changes to one customer, one after the other in this process: each reads what the last one left. */
const changing = new Map<string, Promise<unknown>>();

export function changeProfile(
  customer: CustomerKey,
  change: ProfileChange,
  by: { userId: string; role: string },
): Promise<ChangedProfile | undefined> {
  const key = `${customer.openKfId}\u0000${customer.externalUserId}`;
  const run = (changing.get(key) ?? Promise.resolve())
    .catch(() => undefined)
    .then(() => applyChange(customer, change, by));
  changing.set(key, run);
  const forget = () => {
    if (changing.get(key) === run) changing.delete(key);
  };
  run.then(forget, forget);
  return run;
}

async function applyChange(
  customer: CustomerKey,
  change: ProfileChange,
  by: { userId: string; role: string },
): Promise<ChangedProfile | undefined> {
  const before = await CustomerModel.findOne(customer, { tier: 1, tags: 1 }).lean();
  if (!before) return undefined;
  const tags = before.tags ?? [];
  const tier = before.tier ?? DEFAULT_TIER;
  const limit = tagLimitProblem(tags, change.add, change.remove);
  if (limit) throw new ProfileChangeRefused(limit);
  const removed = (change.remove ?? []).filter((tag) => tags.includes(tag));
  const added = [...new Set(change.add ?? [])].filter((tag) => !tags.includes(tag));
  const newTier = change.tier !== undefined && change.tier !== tier ? change.tier : undefined;
  const changed = removed.length > 0 || added.length > 0 || newTier !== undefined;
  if (!changed) return { ...customer, tier, tags, changed };
  const { stored } = await writeProfiles([
    { _id: before._id, ...(newTier ? { tier: newTier } : {}), add: added, remove: removed },
  ]);
  await EventModel.create({
    eventId: `customer_profile_changed:${randomUUID()}`,
    type: 'customer_profile_changed',
    openKfId: customer.openKfId,
    at: new Date(),
    data: {
      externalUserId: customer.externalUserId,
      by: by.userId,
      role: by.role,
      ...(newTier ? { tier: { from: tier, to: newTier } } : {}),
      ...(added.length > 0 ? { added } : {}),
      ...(removed.length > 0 ? { removed } : {}),
    },
  });
  const after = stored.get(String(before._id));
  return { ...customer, tier: after?.tier ?? DEFAULT_TIER, tags: after?.tags ?? [], changed };
}

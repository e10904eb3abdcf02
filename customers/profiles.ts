// One customer's profile changed by a person (the workspace, the REST API): tags added and removed,
// the tier set. Each part is one atomic operator on the customer's document ($pullAll, $addToSet,
// $set), so two agents tagging at once both keep their tag; the change is recorded as an event with
// who made it. The customer's next conversation starts with the new profile.
import { randomUUID } from 'node:crypto';
import { CustomerModel } from '../db/models/customer';
import { EventModel } from '../db/models/event';
import { DEFAULT_TIER, tagLimitProblem, type ProfileChange } from '../domain/customerProfile';

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

export async function changeProfile(
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
  // By _id: the cheapest look-up on FerretDB (MONGODB.md). $pullAll with the exact tags, not $pull
  // with an $in condition, which FerretDB 1.24 left undone here. $pullAll and $addToSet on one path
  // cannot share an update, so a removal goes first.
  const byId = { _id: before._id };
  if (removed.length > 0) await CustomerModel.updateOne(byId, { $pullAll: { tags: removed } });
  if (added.length > 0 || newTier)
    await CustomerModel.updateOne(byId, {
      ...(newTier ? { $set: { tier: newTier } } : {}),
      ...(added.length > 0 ? { $addToSet: { tags: { $each: added } } } : {}),
    });
  const changed = removed.length > 0 || added.length > 0 || newTier !== undefined;
  if (changed) {
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
  }
  const after = changed ? await CustomerModel.findOne(byId, { tier: 1, tags: 1 }).lean() : before;
  return { ...customer, tier: after?.tier ?? DEFAULT_TIER, tags: after?.tags ?? [], changed };
}

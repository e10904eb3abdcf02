// What the conversation records for analytics and the console: typed events and the mirror, kept
// in the carried state until written. They ride along with the next delivery to WeCom (one activity
// per turn) or are written on their own before the conversation waits, so nothing is lost across a
// crash or continue-as-new, and a quiet turn costs no extra activity.
import type { ConversationEvent } from '../../domain/conversationEvents';
import type { DeliverRequest } from '../../activities/outbound';
import { wecom } from './activities';
import type { ConversationState } from './state';

export class Records {
  constructor(
    private readonly state: ConversationState,
    private readonly now: () => number,
  ) {}

  add(event: ConversationEvent, agentId = this.state.d.agent?.agentId): void {
    const d = this.state.d;
    const { type, ...data } = event;
    d.pendingEvents.push({
      eventId: this.nextEventId(),
      type,
      at: this.now(),
      ...(agentId ? { agentId } : {}),
      // The skill routes the conversation and is one of the KPI counters' dimensions.
      ...(d.skill ? { skill: d.skill } : {}),
      data: JSON.parse(JSON.stringify(data)) as Record<string, unknown>,
    });
  }

  /** The next event's id (also for an event an activity writes itself, as the first response). */
  nextEventId(): string {
    this.state.d.eventSeq += 1;
    return `${this.state.id.conversationId}:${this.state.d.eventSeq}`;
  }

  get pending(): boolean {
    const d = this.state.d;
    return d.pendingEvents.length > 0 || d.mirrorDirty || d.customerUpdate !== undefined;
  }

  /** Takes what is pending for the next activity to write; `giveBack()` it if that fails. */
  take(): Pick<DeliverRequest, 'events' | 'mirror' | 'customer'> {
    const d = this.state.d;
    const taken = {
      events: d.pendingEvents,
      mirror: d.mirrorDirty ? this.state.mirror(this.now()) : undefined,
      customer: d.customerUpdate,
    };
    d.pendingEvents = [];
    d.mirrorDirty = false;
    d.customerUpdate = undefined;
    return taken;
  }

  giveBack(taken: Pick<DeliverRequest, 'events' | 'mirror' | 'customer'>): void {
    const d = this.state.d;
    d.pendingEvents = [...taken.events, ...d.pendingEvents];
    if (taken.mirror) d.mirrorDirty = true;
    if (taken.customer) d.customerUpdate = { ...taken.customer, ...d.customerUpdate };
  }

  /** Writes what is pending, if anything; a failure leaves it pending for the next try. */
  async flush(): Promise<void> {
    if (!this.pending) return;
    const taken = this.take();
    const { conversationId, openKfId, externalUserId } = this.state.id;
    try {
      await wecom.record({ conversationId, openKfId, externalUserId, ...taken });
    } catch {
      // MongoDB was unreachable for the whole retry window: the records stay pending.
      this.giveBack(taken);
    }
  }
}

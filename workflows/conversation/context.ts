// What every phase works with: the state, the records, the one outbound path, the agent actions
// waiting to be applied, and the one way to wait. Waiting applies agent actions first and wakes for
// them, for a decision to close and for a due continue-as-new, so no phase can sleep through an
// agent's request or run the history into Temporal's limit.
import { condition, workflowInfo } from '@temporalio/workflow';
import { conversationSettings } from '../../domain/conversationSettings';
import type { SlaKind } from '../../domain/conversationEvents';
import { defaultPolicyConfig, type PolicyConfig } from '../../domain/policy';
import { noServiceLevels } from '../../domain/serviceLevels';
import type { ConversationInput } from './input';
import { firstBotReplyForDelivery, noteBotReplied } from './facts';
import { returnStaleOffers } from './dispatch';
import { Outbound } from './outbound';
import { Records } from './records';
import { alerts } from './activities';
import { ConversationState, initialCarried, type Carried } from './state';
import type { InboundMessage } from '../conversationContract';
import type { Trace } from '../traces';
import { versions } from './versions';

// The workflow sandbox's Date.now() is the deterministic workflow clock.
const workflowNow = () => Date.now(); // eslint-disable-line no-restricted-syntax

/** An agent action recorded by its update handler, applied by the loop (actions.ts). */
export interface PendingAction {
  apply(c: Conversation): Promise<void>;
}

export class Conversation {
  readonly state: ConversationState;
  readonly records: Records;
  readonly out: Outbound;
  readonly policy: PolicyConfig;
  /** Agent actions accepted but not yet applied, in order. */
  readonly actions: PendingAction[] = [];
  /** Set by actions.ts: applies every pending action (the loop's half of the handlers). */
  applyActions: (c: Conversation) => Promise<void> = async () => undefined;
  /** The trace each customer message arrived with (its WeCom callback's), kept in memory only. */
  readonly messageTraces = new WeakMap<InboundMessage, Trace>();

  constructor(input: ConversationInput, carried?: Carried) {
    const settings = conversationSettings(input.settings);
    this.state = new ConversationState(
      {
        conversationId: workflowInfo().workflowId,
        openKfId: input.openKfId,
        externalUserId: input.externalUserId,
        session: input.session,
        humanMode: input.humanMode,
        settings,
        levels: input.serviceLevels ?? noServiceLevels,
      },
      // A run carried over from an older version may lack fields added since.
      carried ? { ...carried, staleOffers: carried.staleOffers ?? [] } : initialCarried(workflowNow()),
    );
    this.policy = input.policy ?? defaultPolicyConfig;
    this.records = new Records(this.state, () => this.now());
    this.out = new Outbound(
      this.state,
      this.records,
      () => this.now(),
      (kind, message) => this.breach(kind, message),
      {
        before: () => firstBotReplyForDelivery(this),
        after: (writtenByDelivery) => noteBotReplied(this, writtenByDelivery),
      },
    );
  }

  get d(): Carried {
    return this.state.d;
  }

  get settings() {
    return this.state.id.settings;
  }

  /** The SLAs of the customer's tier, counted in the kf account's business time. */
  get sla() {
    return this.state.sla();
  }

  now(): number {
    return workflowNow();
  }

  /** The trace of the first of these messages that has one: answering them goes on in it. */
  traceOf(messages: InboundMessage[]): Trace | undefined {
    return messages.map((m) => this.messageTraces.get(m)).find((trace) => trace !== undefined);
  }

  /** The conversation is leaving the current phase: closing, or an action moved it elsewhere. */
  interrupted(phase: Carried['phase']): boolean {
    return this.d.closing !== undefined || this.d.phase !== phase;
  }

  continueAsNewDue(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > this.settings.continueAsNewAfterEvents;
  }

  /** Applies pending agent actions; false when one moved the conversation out of this phase. */
  async applyPending(phase: Carried['phase']): Promise<boolean> {
    await this.applyActions(this);
    return !this.interrupted(phase);
  }

  /**
   * Sleeps until `until` or until `wake()` holds, applying agent actions before and after; writes
   * pending records first so the console is current while the conversation waits.
   * 'due' when the deadline passed; 'woke' otherwise (the caller re-reads the state).
   */
  async wait(phase: Carried['phase'], until: number, wake: () => boolean): Promise<'due' | 'woke'> {
    await this.applyActions(this);
    if (this.interrupted(phase)) return 'woke';
    // Only before actually sleeping: a turn that goes on at once writes its records with its delivery.
    if (!wake()) await this.records.flush();
    await condition(
      () =>
        wake() ||
        this.actions.length > 0 ||
        this.d.staleOffers.length > 0 ||
        this.interrupted(phase) ||
        this.continueAsNewDue(),
      Math.max(until - this.now(), 1),
    );
    await this.applyActions(this);
    await returnStaleOffers(this);
    return this.now() >= until ? 'due' : 'woke';
  }

  /** An SLA breach: an event for analytics and an alert for supervisors and the rapid-support group. */
  async breach(kind: SlaKind, message: string, repeat = false): Promise<void> {
    this.records.add({ type: 'sla_breach', kind, agentId: this.d.agent?.agentId, repeat });
    // The customer-facing SLAs (domain/kpi.ts: SLA attainment); a ticket's due time is counted apart.
    if (kind === 'queue_wait' || kind === 'first_response') this.state.facts.slaBreached = true;
    await this.alert(kind, message);
  }

  /** A customer at high risk is handed to people: the rapid-support group hears of it at once. */
  async alertGroupOfRisk(): Promise<void> {
    if (!versions.groupAlerts()) return;
    await this.alert('high_risk_handoff', '高风险问题转人工，请快速支持小组关注');
  }

  private async alert(kind: SlaKind | 'high_risk_handoff', message: string): Promise<void> {
    await alerts.raiseAlert({
      alertId: `${this.state.id.conversationId}:${kind}:${this.d.eventSeq}`,
      kind,
      conversationId: this.state.id.conversationId,
      message: `${message}（会话 ${this.state.id.conversationId}，客户 ${this.d.customer.nickname ?? this.state.id.externalUserId}）`,
      priority: this.d.handoff?.priority,
    });
  }
}

// What starts a conversation run: who and where, how it is configured, and (on continue-as-new)
// everything the previous run carried.
import type { ConversationSettings } from '../../domain/conversationSettings';
import type { PolicyConfig } from '../../domain/policy';
import type { ServiceLevels } from '../../domain/serviceLevels';
import type { HumanMode } from '../conversationContract';
import type { CustomerProfile } from '../../activities/session';
import type { Carried } from './state';

export interface ConversationInput {
  openKfId: string;
  externalUserId: string;
  session: number;
  humanMode: HumanMode;
  settings: ConversationSettings;
  /**
   * The dialogue policy's thresholds and texts as they were when the conversation started: kept in
   * the history, so tuning policy.json changes new conversations and never replays of running ones.
   */
  policy?: PolicyConfig;
  /** Service levels per tier and business hours, as they were when the conversation started. */
  serviceLevels?: ServiceLevels;
  /** The customer as the inbox read them when it started this session (saves a look-up). */
  customer?: CustomerProfile;
  /** Present when this run continues an earlier one (continue-as-new). */
  carried?: Carried;
  /** Present when a run of the first workflow version moved over (workflows/legacy/). */
  fromLegacy?: unknown;
}

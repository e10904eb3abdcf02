// Search attributes supervisors filter on in the Temporal UI. Written once here; the dev server is
// started with them and the worker registers them on an external server at start-up.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const CsState = defineSearchAttributeKey('CsState', SearchAttributeType.KEYWORD);
export const CsHandoffReason = defineSearchAttributeKey('CsHandoffReason', SearchAttributeType.KEYWORD);
export const CsPriority = defineSearchAttributeKey('CsPriority', SearchAttributeType.INT);
export const CsAgent = defineSearchAttributeKey('CsAgent', SearchAttributeType.KEYWORD);
export const CsCustomerTier = defineSearchAttributeKey('CsCustomerTier', SearchAttributeType.KEYWORD);
export const CsSkill = defineSearchAttributeKey('CsSkill', SearchAttributeType.KEYWORD);
export const CsOpenKfId = defineSearchAttributeKey('CsOpenKfId', SearchAttributeType.KEYWORD);

export const allSearchAttributes = [CsState, CsHandoffReason, CsPriority, CsAgent, CsCustomerTier, CsSkill, CsOpenKfId];

// The conversation's allowed moves, as a table: every pair of states is either allowed or refused,
// and the refusal is the one the workflow's transition() would throw.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  asksForSurvey,
  assertTransition,
  canTransition,
  conversationStates,
  IllegalTransition,
  type ConversationState,
} from '../../domain/lifecycle';

const allowed: [ConversationState, ConversationState][] = [
  ['bot', 'confirming'],
  ['bot', 'queued'],
  ['bot', 'human'],
  ['bot', 'ticket'],
  ['bot', 'closed'],
  ['confirming', 'bot'],
  ['confirming', 'queued'],
  ['confirming', 'human'],
  ['confirming', 'ticket'],
  ['confirming', 'closed'],
  ['queued', 'human'],
  ['queued', 'bot'],
  ['queued', 'ticket'],
  ['queued', 'closed'],
  ['human', 'queued'],
  ['human', 'ticket'],
  ['human', 'bot'],
  ['human', 'closed'],
  ['ticket', 'closed'],
];

describe('conversation lifecycle', () => {
  for (const from of conversationStates) {
    for (const to of conversationStates) {
      if (from === to) continue;
      const ok = allowed.some(([a, b]) => a === from && b === to);
      it(`${from} → ${to} is ${ok ? 'allowed' : 'refused'}`, () => {
        assert.equal(canTransition(from, to), ok);
        if (ok) assertTransition(from, to);
        else assert.throws(() => assertTransition(from, to), IllegalTransition);
      });
    }
  }
  it('closed is final', () => {
    assert.ok(conversationStates.every((to) => !canTransition('closed', to)));
  });
  it('only a conversation closed for silence skips the survey', () => {
    assert.equal(asksForSurvey('idle'), false);
    for (const reason of [
      'resolved_by_bot',
      'resolved_silently',
      'resolved_by_agent',
      'ticket_closed',
      'ended_in_wecom',
    ] as const)
      assert.equal(asksForSurvey(reason), true, reason);
  });
});

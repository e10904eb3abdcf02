// A slow but working LLM never turns a turn into a "bot unavailable" handoff: the understand
// activity waits for the LLM only within its budget, then answers with the engine's understanding.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createUnderstandingActivities, within } from '../../activities/understanding';
import type { Understanding } from '../../domain/understanding';

const engine = (text: string): Understanding => ({
  text,
  candidates: [],
  confidence: 0,
  margin: 0,
  humanRequest: false,
  sentiment: { negative: false, score: 0, terms: [] },
  risk: { high: false, terms: [] },
  gibberish: false,
  repetition: 0,
  reask: false,
});

describe('the understanding budget', () => {
  it('keeps the engine result when the LLM is slower than its budget', async () => {
    const activities = createUnderstandingActivities({
      understand: engine,
      refine: (u) => new Promise((resolve) => setTimeout(() => resolve({ ...u, text: 'refined' }), 2000)),
      llmBudgetMs: 200,
    });
    const started = Date.now();
    const understood = await activities.understand({ text: '运费怎么算', recentCustomerTurns: [] });
    assert.equal(understood.text, '运费怎么算', 'the engine understanding');
    assert.ok(Date.now() - started < 1000, 'within the budget, not the LLM time');
  });

  it('takes the LLM refinement when it comes in time, and the engine result when it fails', async () => {
    const quick = createUnderstandingActivities({
      understand: engine,
      refine: async (u) => ({ ...u, text: 'refined' }),
      llmBudgetMs: 1000,
    });
    assert.equal((await quick.understand({ text: 'x', recentCustomerTurns: [] })).text, 'refined');
    const failing = createUnderstandingActivities({
      understand: engine,
      refine: async () => {
        throw new Error('502 from the model');
      },
    });
    assert.equal((await failing.understand({ text: 'x', recentCustomerTurns: [] })).text, 'x');
    assert.equal(await within(Promise.reject(new Error('no')), 100, 'fallback'), 'fallback');
  });
});

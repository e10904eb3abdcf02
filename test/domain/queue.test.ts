// The queue as tables: its order (priority, then the longest wait), priority ageing that keeps a
// normal conversation from starving behind a stream of urgent ones, which waiting conversation each
// free slot goes to (capacity and who may serve whom respected), and the wait told to a customer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  defaultQueueSettings,
  effectivePriority,
  expectedWaitMs,
  matchQueue,
  queueOrder,
  type Waiting,
} from '../../domain/queue';
import type { RoutingCandidate, RoutingRequest } from '../../domain/routing';
import { candidate, routingRequest } from '../support/routingCandidates';

const MIN = 60_000;

const waiting = (
  conversationId: string,
  priority: number,
  enqueuedAt: number,
  request: Partial<RoutingRequest> = {},
): Waiting => ({
  conversationId,
  openKfId: 'wk1',
  priority,
  enqueuedAt,
  request: routingRequest({ priority, ...request }),
});
const agent = candidate;

const ids = (list: { conversationId: string }[]) => list.map((w) => w.conversationId);
const pairs = (matches: { conversationId: string; agentId: string }[]) =>
  matches.map((m) => `${m.conversationId}→${m.agentId}`);

describe('the queue', () => {
  it('ages priority by one level per ageing period waited, from the moment it was enqueued', () => {
    const agingMs = defaultQueueSettings.agingMs; // 10 minutes
    const cases: [number, number, number, number][] = [
      // priority, enqueuedAt, now, effective
      [1, 0, 0, 1],
      [1, 0, agingMs - 1, 1],
      [1, 0, agingMs, 2],
      [1, 0, 3 * agingMs + 5, 4],
      [4, 10 * MIN, 15 * MIN, 4],
      [2, 10 * MIN, 5 * MIN, 2], // a clock behind the enqueue time never lowers it
    ];
    for (const [priority, enqueuedAt, now, expected] of cases)
      assert.equal(effectivePriority(waiting('c', priority, enqueuedAt), now), expected, `${priority}@${enqueuedAt}`);
  });

  it('orders by effective priority, then the longest wait, then the id', () => {
    const cases: [Waiting[], number, string[]][] = [
      [[waiting('a', 1, 0), waiting('b', 4, 5), waiting('c', 2, 1)], 10, ['b', 'c', 'a']],
      [[waiting('late', 2, 9), waiting('early', 2, 3)], 10, ['early', 'late']],
      [[waiting('y', 2, 3), waiting('x', 2, 3)], 10, ['x', 'y']],
      // 25 minutes of waiting lifts a normal conversation (1 → 3) level with a fresh complaint
      // from a VIP (3), and its longer wait puts it first.
      [[waiting('vip', 3, 25 * MIN), waiting('normal', 1, 0)], 25 * MIN, ['normal', 'vip']],
      [[waiting('vip', 3, 19 * MIN), waiting('normal', 1, 0)], 19 * MIN, ['vip', 'normal']],
    ];
    for (const [list, now, expected] of cases) assert.deepEqual(ids(queueOrder(list, now)), expected);
  });

  it('ageing keeps a normal conversation from starving behind a steady stream of urgent ones', () => {
    // An urgent conversation (priority 3) arrives every minute; one agent frees a slot every two.
    const servedAt = (agingMs: number, horizonMin: number) => {
      let queue = [waiting('normal', 1, 0)];
      for (let t = 1; t <= horizonMin; t++) {
        queue.push(waiting(`urgent-${t}`, 3, t * MIN));
        if (t % 2 !== 0) continue;
        const [match] = matchQueue(queue, [agent('solo', { freeSlots: 1 })], t * MIN, { agingMs });
        if (match?.conversationId === 'normal') return t;
        queue = queue.filter((w) => w.conversationId !== match?.conversationId);
      }
      return undefined;
    };
    // Everyone ages, so the urgent ones that came first still go first; by half an hour the normal
    // one has aged level with the urgent ones left, and its longer wait puts it ahead of them.
    const withAgeing = servedAt(defaultQueueSettings.agingMs, 24 * 60);
    assert.ok(withAgeing !== undefined && withAgeing <= 30, `served after ${withAgeing} minutes`);
    assert.equal(servedAt(Number.POSITIVE_INFINITY, 24 * 60), undefined, 'without ageing it waits all day');
  });

  it('gives out no more slots than agents have free, in queue order', () => {
    const queue = [1, 2, 3, 4, 5, 6].map((n) => waiting(`c${n}`, n === 5 ? 4 : 1, n));
    const matches = matchQueue(queue, [agent('a', { freeSlots: 2 }), agent('b', { freeSlots: 1 })], 100);
    assert.deepEqual(pairs(matches), ['c5→a', 'c1→a', 'c2→b']);
    assert.deepEqual(matchQueue(queue, [agent('a', { freeSlots: 0 })], 100), []);
    assert.deepEqual(matchQueue(queue, [], 100), []);
    assert.deepEqual(matchQueue([], [agent('a')], 100), []);
  });

  it('skips a conversation the free agents may not serve and offers the slot to the next one', () => {
    const vip = waiting('vip', 3, 0, { customerTier: 'vip', servedBy: ['senior', 'supervisor'] });
    const billing = waiting('billing', 2, 0, { skill: 'billing' });
    const normal = waiting('normal', 1, 5);
    const junior = agent('junior', { freeSlots: 1 });
    const senior = agent('senior', { tier: 'senior', freeSlots: 1 });
    const cases: [string, Waiting[], RoutingCandidate[], string[]][] = [
      ['a VIP waits for a senior; the junior takes the next', [vip, normal], [junior], ['normal→junior']],
      [
        'the VIP goes to the senior, not the free junior',
        [vip, normal],
        [junior, senior],
        ['vip→senior', 'normal→junior'],
      ],
      [
        'a skill only a busy agent has',
        [billing, normal],
        [junior, agent('biller', { skills: ['billing'], freeSlots: 0 })],
        ['normal→junior'],
      ],
      [
        'a skill nobody online has is a preference: the free junior serves it',
        [billing, normal],
        [junior],
        ['billing→junior'],
      ],
      [
        'the search widened: the rapid-support group serves any skill',
        [{ ...billing, request: { ...billing.request, widen: true } }],
        [agent('rapid', { groups: ['rapid-support'] })],
        ['billing→rapid'],
      ],
      [
        'never an agent it was taken from',
        [waiting('lapsed', 2, 0, { excludeAgentIds: ['junior'] }), normal],
        [junior],
        ['normal→junior'],
      ],
      ['nobody it may go to', [vip], [junior, agent('full', { tier: 'senior', freeSlots: 0 })], []],
    ];
    for (const [what, queue, agents, expected] of cases)
      assert.deepEqual(pairs(matchQueue(queue, agents, 10)), expected, what);
  });

  it('says why the agent was chosen', () => {
    const vip = waiting('vip', 3, 0, { customerTier: 'vip', servedBy: ['senior'], skill: 'tech' });
    const [match] = matchQueue([vip], [agent('senior', { tier: 'senior', skills: ['tech'], freeSlots: 2 })], 10);
    assert.deepEqual(match?.why, ['技能匹配（tech）', 'vip 客户由资深客服服务', '高优先级', '当前负载 1/3']);
  });

  it('expects a wait from the pace of the last half hour, and none without a pace', () => {
    const now = 60 * MIN;
    const cases: [string, number, number[], number | undefined][] = [
      ['nothing taken yet', 3, [], undefined],
      ['one taken is no pace', 3, [now - MIN], undefined],
      ['four in the last ten minutes: one per 2.5 min', 2, [50, 52, 54, 56].map((m) => m * MIN), 5 * MIN],
      ['older than half an hour is forgotten', 2, [10 * MIN, 20 * MIN, now - MIN], undefined],
      ['a burst counts over at least a minute', 3, [now - 10_000, now - 5_000], 90_000],
      ['next in line', 1, [40, 50].map((m) => m * MIN), 10 * MIN],
    ];
    for (const [what, position, recent, expected] of cases)
      assert.equal(expectedWaitMs(position, recent, now), expected, what);
  });
});

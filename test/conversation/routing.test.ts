// Routing: the pure ranking of free agents (domain/routing.ts) and the atomic reservation of a
// slot in MongoDB (activities/routing.ts) through the real FerretDB.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRoutingActivities } from '../../activities/routing';
import { AgentModel } from '../../db/models/agent';
import { AgentSlotModel, heldConversations } from '../../db/models/agentSlot';
import { rankAgents, type RoutingCandidate } from '../../domain/routing';
import { candidate, routingRequest } from '../support/routingCandidates';
import { connectTestMongo, dropTestMongo } from '../support/servers';

const agent = candidate;
const request = routingRequest;
const ids = (agents: RoutingCandidate[]) => agents.map((a) => a.agentId);

describe('routing ranks the free agents', () => {
  const billing = agent('billing1', { skills: ['billing'] });
  const tech = agent('tech1', { skills: ['tech'] });
  const senior = agent('senior1', { skills: ['billing', 'tech'], tier: 'senior' });
  const rapid = agent('rapid1', { tier: 'supervisor', groups: ['rapid-support'] });

  it('takes only agents with the skill, and the rapid-support group once the search widens', () => {
    assert.deepEqual(ids(rankAgents([billing, tech, rapid], request({ skill: 'billing' }))), ['billing1']);
    assert.deepEqual(ids(rankAgents([billing, tech, rapid], request({ skill: 'billing', widen: true }))), [
      'billing1',
      'rapid1',
    ]);
    assert.deepEqual(ids(rankAgents([tech], request({ skill: 'billing' }))), []);
  });

  it('prefers senior agents for VIP and urgent customers, the less loaded agent otherwise', () => {
    assert.equal(
      rankAgents([billing, senior], request({ skill: 'billing', customerTier: 'vip' }))[0]?.agentId,
      'senior1',
    );
    assert.equal(rankAgents([billing, senior], request({ skill: 'billing', priority: 4 }))[0]?.agentId, 'senior1');
    const busy = agent('billing2', { skills: ['billing'], freeSlots: 1 });
    assert.deepEqual(ids(rankAgents([busy, billing], request({ skill: 'billing' }))), ['billing1', 'billing2']);
  });

  it('returns a customer to the agent who served them before, all else equal', () => {
    const other = agent('billing0', { skills: ['billing'] });
    assert.equal(rankAgents([other, billing], request({ skill: 'billing' }))[0]?.agentId, 'billing0');
    assert.equal(
      rankAgents([other, billing], request({ skill: 'billing', previousAgentId: 'billing1' }))[0]?.agentId,
      'billing1',
    );
  });

  it('never offers a full, excluded or (wecom mode) non-serving agent; a wanted agent only', () => {
    const full = agent('billing2', { skills: ['billing'], freeSlots: 0 });
    assert.deepEqual(ids(rankAgents([full, billing], request({ skill: 'billing' }))), ['billing1']);
    assert.deepEqual(ids(rankAgents([billing, senior], request({ skill: 'billing', excludeAgentIds: ['billing1'] }))), [
      'senior1',
    ]);
    assert.deepEqual(ids(rankAgents([billing, senior], request({ skill: 'billing', servicerUserIds: ['senior1'] }))), [
      'senior1',
    ]);
    assert.deepEqual(ids(rankAgents([billing, senior], request({ servicerUserIds: [] }))), []);
    assert.deepEqual(ids(rankAgents([billing, tech], request({ skill: 'billing', preferredAgentId: 'tech1' }))), [
      'tech1',
    ]);
  });
});

describe('routing reserves agent slots atomically (FerretDB)', () => {
  const routing = createRoutingActivities();
  const held = async () => (await heldConversations(['solo'])).get('solo')!;
  before(async () => {
    await connectTestMongo('routing');
    await AgentSlotModel.init(); // the unique indexes exist before the first concurrent insert
    await AgentModel.create({
      agentId: 'solo',
      name: '独立客服',
      wecomUserId: 'solo_wx',
      skills: ['billing'],
      tier: 'junior',
      groups: [],
      capacity: 2,
      status: 'online',
    });
  });
  after(dropTestMongo);

  const ask = (conversationId: string) => routing.assignAgent({ conversationId, skill: 'billing', ...request() });

  it('gives an agent no more conversations than their capacity, even when asked at once', async () => {
    const results = await Promise.all(['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].map(ask));
    assert.equal(results.filter((r) => r?.agentId === 'solo').length, 2);
    assert.equal(results.filter((r) => r === null).length, 4);
    assert.equal((await held()).length, 2);
  });

  it('a conversation asking twice at once gets one slot', async () => {
    await AgentSlotModel.deleteMany({});
    const [a, b] = await Promise.all([ask('c7'), ask('c7')]);
    assert.deepEqual(a, b);
    assert.deepEqual(await held(), ['c7']);
  });

  it('a retried reservation or release counts once', async () => {
    assert.equal((await ask('c7'))?.agentId, 'solo', 'the retry finds the agent already holding it');
    assert.equal((await ask('c8'))?.agentId, 'solo');
    await routing.releaseAgent({ conversationId: 'c7', agentId: 'solo' });
    await routing.releaseAgent({ conversationId: 'c7', agentId: 'solo' });
    assert.deepEqual(await held(), ['c8']);
    assert.equal((await ask('c9'))?.agentId, 'solo', 'the released slot is free again');
    assert.equal(await ask('c10'), null);
  });

  it('counts a session a servicer took in WeCom against their load, once', async () => {
    const first = await routing.claimForServicer({ conversationId: 'c11', wecomUserId: 'solo_wx' });
    const again = await routing.claimForServicer({ conversationId: 'c11', wecomUserId: 'solo_wx' });
    assert.deepEqual(first, { agentId: 'solo', name: '独立客服', wecomUserId: 'solo_wx' });
    assert.deepEqual(again, first);
    assert.deepEqual((await held()).sort(), ['c11', 'c8', 'c9']);
    assert.deepEqual(await routing.claimForServicer({ conversationId: 'c12', wecomUserId: 'stranger' }), {
      agentId: 'stranger',
      name: 'stranger',
      wecomUserId: 'stranger',
    });
  });
});

// The dispatcher's contract: one dispatcher per task queue holds the queue of conversations waiting
// for a person and offers free agents to them in queue order. Conversations ask to wait and stop
// waiting by signal; it offers an agent (whose slot it has reserved) and tells each its place.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Waiting } from '../domain/queue';
import type { Agent } from './conversation/state';

export const dispatcherWorkflowId = (taskQueue: string) => `dispatcher:${taskQueue}`;

/** A conversation starts (or updates) its wait: priority, time, and what routing needs for it. */
export const waitForAgentSignal = defineSignal<[Waiting]>('waitForAgent');
/** It left the queue (taken over, cancelled, closed). */
export const stopWaitingSignal = defineSignal<[{ conversationId: string }]>('stopWaiting');
/** Capacity may have freed: a slot released, an agent online, more capacity. */
export const capacityChangedSignal = defineSignal<[]>('capacityChanged');

/** To the conversation: this agent is yours (the slot is reserved); why they were chosen. */
export interface AgentOffer {
  agent: Agent;
  why: string[];
}
export const agentOfferedSignal = defineSignal<[AgentOffer]>('agentOffered');

/** To the conversation: its place in the queue, and the wait expected from recent pace. */
export interface QueuePlace {
  position: number;
  total: number;
  expectedWaitMs?: number;
  /** Nobody who may serve it is online (everyone away, or outside the roster's hours). */
  noAgentOnline: boolean;
}
export const queuePlaceSignal = defineSignal<[QueuePlace]>('queuePlace');

export interface QueueView {
  waiting: (Pick<Waiting, 'conversationId' | 'openKfId' | 'priority' | 'enqueuedAt'> & {
    position: number;
    effectivePriority: number;
    customerTier: string;
    skill?: string;
  })[];
  recentAssignments: number;
}
export const queueQuery = defineQuery<QueueView>('queue');

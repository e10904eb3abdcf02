// Faults under load, our own processes: each scenario runs the benchmark's traffic at half the
// sustained rate while one process of the stack crashes or stops and comes back, and asserts that
// every customer message got its answer exactly once.
import { describe, it } from 'node:test';
import type { Role } from '../../bench/stack';
import { faultSuite, type Scenario } from './support/scenario';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The process ends (SIGKILL: a crash; SIGTERM: a clean stop) at each time, and is started again after downMs. */
const outage = (name: string, role: Role, signal: NodeJS.Signals, at: number[], downMs: number): Scenario => ({
  name,
  async inject(context) {
    for (const when of at) {
      await context.at(when);
      await context.faults.stack.kill(role, signal);
      await sleep(downMs);
      await context.faults.stack.restart(role);
    }
  },
});

describe('faults under load: processes', { timeout: 20 * 60_000 }, () => {
  const survives = faultSuite('processes');

  it('the worker killed (SIGKILL) twice and restarted', async () => {
    await survives(outage('worker SIGKILL', 'worker', 'SIGKILL', [5_000, 12_000], 1000));
  });

  it('the api killed (SIGKILL) and restarted: callbacks refused meanwhile', async () => {
    await survives(outage('api SIGKILL', 'api', 'SIGKILL', [6_000], 3000));
  });

  it('the Temporal dev server stopped and started again on its database file', async () => {
    await survives(outage('Temporal restart', 'temporal', 'SIGTERM', [6_000], 5000));
  });

  it('FerretDB (the MongoDB-wire server) down for 10 s', async () => {
    await survives({ ...outage('FerretDB down 10 s', 'ferretdb', 'SIGKILL', [5_000], 10_000), trafficMs: 24_000 });
  });
});

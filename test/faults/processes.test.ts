// Faults under load, our own processes: each scenario runs the benchmark's traffic at half the
// sustained rate while one process of the stack crashes or stops and comes back, and asserts that
// every customer message got its answer exactly once.
import { after, before, describe, it } from 'node:test';
import { startFaultStack, type FaultStack } from './support/faultStack';
import { assertExactlyOnce, runScenario, type Scenario } from './support/scenario';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('faults under load: processes', { timeout: 20 * 60_000 }, () => {
  let faults: FaultStack;
  let ok = true;
  before(async () => {
    faults = await startFaultStack('processes');
  });
  after(() => faults?.close(ok));
  const survives = async (scenario: Scenario) => {
    const outcome = await runScenario(faults, scenario);
    try {
      assertExactlyOnce(outcome);
    } catch (error) {
      ok = false;
      throw error;
    }
  };

  it('the worker killed (SIGKILL) twice and restarted', () =>
    survives({
      name: 'worker SIGKILL',
      async inject({ at }) {
        for (const when of [6_000, 14_000]) {
          await at(when);
          await faults.stack.kill('worker', 'SIGKILL');
          await sleep(1000);
          await faults.stack.restart('worker');
        }
      },
    }));

  it('the api killed (SIGKILL) and restarted: callbacks refused meanwhile', () =>
    survives({
      name: 'api SIGKILL',
      async inject({ at }) {
        await at(8_000);
        await faults.stack.kill('api', 'SIGKILL');
        await sleep(3000);
        await faults.stack.restart('api');
      },
    }));

  it('the Temporal dev server stopped and started again on its database file', () =>
    survives({
      name: 'Temporal restart',
      async inject({ at }) {
        await at(8_000);
        await faults.stack.kill('temporal', 'SIGTERM');
        await sleep(5000);
        await faults.stack.restart('temporal');
      },
    }));

  it('FerretDB (the MongoDB-wire server) down for 10 s', () =>
    survives({
      name: 'FerretDB down 10 s',
      trafficMs: 28_000,
      async inject({ at }) {
        await at(6_000);
        await faults.stack.kill('ferretdb', 'SIGKILL');
        await sleep(10_000);
        await faults.stack.restart('ferretdb');
      },
    }));
});

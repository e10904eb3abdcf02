// The step search: the product and the floor offered the same rising rates of new conversations,
// step by step in turn (so both see the same machine load), until each one's p99 passes 1 s. The
// highest rate still under it is that target's sustained rate. CPU per process is read per step.
import { cpuSeconds } from './procStats';
import { figures, type Figures } from './latency';
import { runPhase } from './traffic';

export type Target = 'product' | 'floor';

export interface Step extends Figures {
  target: Target;
  ratePerS: number;
  /** CPU cores used per process during the step (CPU seconds ÷ wall seconds). */
  cores: Record<string, number>;
}

export interface StepSearch {
  steps: Step[];
  sustained: Record<Target, number>;
}

export const P99_LIMIT_MS = 1000;

export interface StepOptions {
  sandboxUrl: string;
  accounts: Record<Target, string>;
  rates: number[];
  stepMs: number;
  drainMs: number;
  runId: string;
  pids: () => Record<string, number>;
  onProgress(line: string): void;
}

export async function measureStep(options: StepOptions, target: Target, ratePerS: number): Promise<Step> {
  const pids = options.pids();
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
  const started = Date.now();
  const phase = await runPhase({
    sandboxUrl: options.sandboxUrl,
    openKfId: options.accounts[target],
    ratePerS,
    durationMs: options.stepMs,
    drainMs: options.drainMs,
    customer: (i) => `${options.runId}${target[0]}${ratePerS}n${i}`,
    onProgress: (line) => options.onProgress(`${target} ${line}`),
  });
  const seconds = (Date.now() - started) / 1000;
  const cores = Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [name, Number(((cpuSeconds(pid) - before[name]!) / seconds).toFixed(2))]),
  );
  return { target, ratePerS, cores, ...figures(phase.messages) };
}

export async function stepSearch(options: StepOptions): Promise<StepSearch> {
  // Unmeasured warm-up: the first conversations load code paths, the KB engine and connections.
  for (const target of ['product', 'floor'] as const) {
    await runPhase({
      sandboxUrl: options.sandboxUrl,
      openKfId: options.accounts[target],
      ratePerS: 2,
      durationMs: 10_000,
      drainMs: 20_000,
      customer: (i) => `${options.runId}${target[0]}warm${i}`,
      onProgress: (line) => options.onProgress(`${target} warm-up ${line}`),
    });
  }
  const steps: Step[] = [];
  const sustained: Record<Target, number> = { product: 0, floor: 0 };
  const going = new Set<Target>(['product', 'floor']);
  for (const rate of options.rates) {
    for (const target of ['product', 'floor'] as const) {
      if (!going.has(target)) continue;
      let step = await measureStep(options, target, rate);
      if (step.p99Ms >= P99_LIMIT_MS) {
        // One more try: on a shared machine a neighbour's compile can spoil fifteen seconds.
        options.onProgress(`${target} at ${rate} msg/s: p99 ${step.p99Ms} ms, measuring the step again`);
        await new Promise((resolve) => setTimeout(resolve, 10_000));
        step = await measureStep(options, target, rate);
      }
      steps.push(step);
      options.onProgress(
        `${target} at ${rate} msg/s: p50 ${step.p50Ms} ms, p99 ${step.p99Ms} ms, answered ${step.answered}/${step.offered}`,
      );
      if (step.p99Ms < P99_LIMIT_MS) sustained[target] = rate;
      else {
        going.delete(target);
        // Its backlog would still be running during the other target's next step.
        await new Promise((resolve) => setTimeout(resolve, 20_000));
      }
    }
    if (going.size === 0) break;
  }
  return { steps, sustained };
}

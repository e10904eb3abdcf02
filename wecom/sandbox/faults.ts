// Injected WeCom failures (POST /sandbox/faults), for tests and demos. A fault matches one API path
// (or '*') and meets every `every`-th matching call, for `times` calls or, with `forMs`, for a time
// window (then for as many calls as come in it): a burst, an outage, or failures spread through a
// stream of calls under load. Faults are tried in the order they were added.
import { SandboxError } from './simulator';

export type FaultKind = 'http500' | 'errcode' | 'delay';

export interface Fault {
  path: string;
  kind: FaultKind;
  errcode?: number;
  delayMs?: number;
  /** Calls still to fail (Infinity for a window). */
  times: number;
  every: number;
  /** The end of the window (the sandbox's clock), when the fault has one. */
  until?: number;
  seen: number;
}

/** WeCom's generic "invalid parameter", the sandbox's answer to a bad control request. */
const INVALID_PARAMETER = 40058;

export class FaultPlan {
  private faults: Fault[] = [];

  add(spec: Record<string, unknown>, now: number): void {
    const kind = spec.kind as FaultKind;
    if (!['http500', 'errcode', 'delay'].includes(kind))
      throw new SandboxError(INVALID_PARAMETER, 'kind must be http500, errcode or delay');
    const forMs = spec.forMs === undefined ? undefined : Number(spec.forMs);
    const every = Math.max(1, Math.floor(Number(spec.every ?? 1)) || 1);
    this.faults.push({
      path: String(spec.path ?? '*'),
      kind,
      errcode: spec.errcode === undefined ? undefined : Number(spec.errcode),
      delayMs: spec.delayMs === undefined ? undefined : Number(spec.delayMs),
      times: spec.times !== undefined ? Number(spec.times) : forMs !== undefined ? Infinity : 1,
      every,
      until: forMs === undefined ? undefined : now + forMs,
      seen: 0,
    });
  }

  clear(): void {
    this.faults = [];
  }

  /** The fault this call meets (counted as used), or undefined when the call goes through. */
  take(apiPath: string, now: number): Fault | undefined {
    this.faults = this.faults.filter((f) => f.times > 0 && (f.until === undefined || f.until > now));
    for (const fault of this.faults) {
      if (fault.path !== apiPath && fault.path !== '*') continue;
      fault.seen += 1;
      if (fault.seen % fault.every !== 0) continue;
      fault.times -= 1;
      return fault;
    }
    return undefined;
  }
}

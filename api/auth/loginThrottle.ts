// Slows down password guessing: after too many failed sign-ins for one account from one address,
// or from one address overall, further attempts are refused (429) until the window has passed.
// In memory, per api process: enough to make guessing hopeless at scrypt's cost per try.

export interface ThrottleOptions {
  perAccount: number;
  perAddress: number;
  windowMs: number;
}

const DEFAULTS: ThrottleOptions = { perAccount: 10, perAddress: 50, windowMs: 15 * 60_000 };

export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly options: ThrottleOptions = DEFAULTS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds to wait, or 0 when an attempt is allowed. */
  retryAfter(address: string, userId: string): number {
    const limits: [string, number][] = [
      [`${address}|${userId}`, this.options.perAccount],
      [address, this.options.perAddress],
    ];
    let wait = 0;
    for (const [key, limit] of limits) {
      const entry = this.current(key);
      if (entry && entry.count >= limit)
        wait = Math.max(wait, Math.ceil((entry.since + this.options.windowMs - this.now()) / 1000));
    }
    return wait;
  }

  failed(address: string, userId: string): void {
    if (this.failures.size > 10_000) this.forgetOld();
    for (const key of [`${address}|${userId}`, address]) {
      const entry = this.current(key) ?? { count: 0, since: this.now() };
      entry.count += 1;
      this.failures.set(key, entry);
    }
  }

  succeeded(address: string, userId: string): void {
    this.failures.delete(`${address}|${userId}`);
  }

  private current(key: string) {
    const entry = this.failures.get(key);
    if (entry && entry.since + this.options.windowMs <= this.now()) {
      this.failures.delete(key);
      return undefined;
    }
    return entry;
  }

  private forgetOld(): void {
    for (const key of [...this.failures.keys()]) this.current(key);
  }
}

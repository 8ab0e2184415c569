/**
 * Slows repeated failed logins. Failures are counted per username + client address and per
 * client address alone; past a threshold each further failure locks that key for a delay that
 * doubles, up to a ceiling. A locked key is refused (429 with Retry-After) without checking the
 * password. A success clears the username + address key. Counters forget after a quiet window.
 */
export interface ThrottleOptions {
  /** Failures allowed per username + address before delays start (default 5). */
  maxFailures?: number;
  /** Failures allowed per address over all usernames (default 20). */
  maxFailuresPerAddress?: number;
  /** The first delay once over the threshold, in ms (default 1 s); doubles each failure. */
  baseDelayMs?: number;
  /** The longest delay (default 15 min). */
  maxDelayMs?: number;
  /** Failures older than this are forgotten (default 15 min after the last one). */
  windowMs?: number;
  now?: () => number;
}

interface Entry {
  failures: number;
  lastFailure: number;
  lockedUntil: number;
}

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();
  private readonly o: Required<ThrottleOptions>;

  constructor(options: ThrottleOptions = {}) {
    this.o = {
      maxFailures: 5,
      maxFailuresPerAddress: 20,
      baseDelayMs: 1000,
      maxDelayMs: 15 * 60_000,
      windowMs: 15 * 60_000,
      now: Date.now,
      ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    };
  }

  private keys(username: string, address: string): [string, number][] {
    return [
      [`u:${username.toLowerCase()}|${address}`, this.o.maxFailures],
      [`a:${address}`, this.o.maxFailuresPerAddress],
    ];
  }

  private entry(key: string): Entry | undefined {
    const e = this.entries.get(key);
    if (e && this.o.now() - e.lastFailure > Math.max(this.o.windowMs, e.lockedUntil - e.lastFailure)) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  /** Milliseconds the caller must still wait before trying again (0 when it may try now). */
  retryAfter(username: string, address: string): number {
    const now = this.o.now();
    let wait = 0;
    for (const [key] of this.keys(username, address)) {
      const e = this.entry(key);
      if (e && e.lockedUntil > now) wait = Math.max(wait, e.lockedUntil - now);
    }
    return wait;
  }

  /** Records a failed attempt. */
  fail(username: string, address: string): void {
    const now = this.o.now();
    for (const [key, threshold] of this.keys(username, address)) {
      const e = this.entry(key) ?? { failures: 0, lastFailure: now, lockedUntil: 0 };
      e.failures += 1;
      e.lastFailure = now;
      if (e.failures >= threshold) {
        const delay = Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** (e.failures - threshold));
        e.lockedUntil = now + delay;
      }
      this.entries.set(key, e);
    }
    if (this.entries.size > 10_000) this.sweep();
  }

  /**
   * Starts a login attempt: when the caller may try now, counts the attempt as a failure at once
   * (before the slow password hash is awaited, so a concurrent burst is limited exactly like a
   * sequential one) and returns 0; otherwise returns the wait in ms and counts nothing.
   * A successful attempt is withdrawn with `succeedAttempt`.
   */
  attempt(username: string, address: string): number {
    const wait = this.retryAfter(username, address);
    if (wait === 0) this.fail(username, address);
    return wait;
  }

  /** An attempt begun with `attempt` succeeded: its counted failure is withdrawn. */
  succeedAttempt(username: string, address: string): void {
    this.succeed(username, address);
    const [key, threshold] = this.keys(username, address)[1];
    const e = this.entry(key);
    if (!e) return;
    e.failures = Math.max(0, e.failures - 1);
    if (e.failures < threshold) e.lockedUntil = 0;
    if (e.failures === 0) this.entries.delete(key);
  }

  /** Records a success: the username + address counter starts over. */
  succeed(username: string, address: string): void {
    this.entries.delete(this.keys(username, address)[0][0]);
  }

  private sweep(): void {
    for (const key of [...this.entries.keys()]) this.entry(key);
  }
}

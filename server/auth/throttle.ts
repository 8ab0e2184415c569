/**
 * Slows repeated failed logins. Failures are counted per username + client address and per
 * client address alone; past a threshold each further failure locks that key for a delay that
 * doubles, up to a ceiling. A locked key is refused (429 with Retry-After) without checking the
 * password. A success clears the username + address key. Counters forget after a quiet window.
 *
 * With a database (`db`), the counters live in its `login_throttle` table and every change is one
 * transaction (server/db/dialect.ts): several server processes on one database count together, so a
 * second process gives an attacker no fresh attempts. Without one they live in this process's memory.
 */
import { inArray, lt } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { transaction } from '../db/dialect.ts';
import { loginThrottle } from '../db/schema.ts';

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
  /** Where the counters live; in this process's memory when absent. */
  db?: Db;
}

interface Entry {
  failures: number;
  lastFailure: number;
  lockedUntil: number;
}

/** Where counters are kept; `run` makes a read-modify-write atomic. */
interface Store {
  run<T>(fn: () => Promise<T>): Promise<T>;
  load(keys: string[]): Promise<Map<string, Entry>>;
  save(key: string, e: Entry): Promise<void>;
  remove(key: string): Promise<void>;
  /** Forgets every key whose last failure is before `before` and which is not locked past it. */
  sweep(before: number): Promise<void>;
}

function memoryStore(): Store {
  const entries = new Map<string, Entry>();
  let queue: Promise<unknown> = Promise.resolve();
  return {
    run: <T>(fn: () => Promise<T>) => {
      const next = queue.then(fn, fn);
      queue = next.catch(() => undefined);
      return next;
    },
    load: async (keys) => {
      const out = new Map<string, Entry>();
      for (const k of keys) {
        const e = entries.get(k);
        if (e) out.set(k, { ...e });
      }
      return out;
    },
    save: async (key, e) => {
      entries.set(key, { ...e });
      if (entries.size > 10_000) entries.delete(entries.keys().next().value!);
    },
    remove: async (key) => void entries.delete(key),
    sweep: async (before) => {
      for (const [k, e] of entries) if (e.lastFailure < before && e.lockedUntil < before) entries.delete(k);
    },
  };
}

function databaseStore(db: Db): Store {
  return {
    run: (fn) => transaction(db, fn),
    load: async (keys) => {
      const rows = await db.select().from(loginThrottle).where(inArray(loginThrottle.key, keys)).all();
      return new Map(
        rows.map((r) => [
          r.key,
          { failures: r.failures, lastFailure: r.lastFailure, lockedUntil: r.lockedUntil },
        ]),
      );
    },
    save: async (key, e) => {
      await db
        .insert(loginThrottle)
        .values({ key, ...e })
        .onConflictDoUpdate({ target: loginThrottle.key, set: { ...e } })
        .run();
    },
    remove: async (key) => {
      await db
        .delete(loginThrottle)
        .where(inArray(loginThrottle.key, [key]))
        .run();
    },
    sweep: async (before) => {
      await db.delete(loginThrottle).where(lt(loginThrottle.lastFailure, before)).run();
    },
  };
}

/** Keys are at most this long (a username is bounded by the login body schema anyway). */
const KEY_MAX = 400;
/** How often stale counters are deleted (ms). */
const SWEEP_EVERY_MS = 10 * 60_000;

export class LoginThrottle {
  private readonly store: Store;
  private readonly o: Required<Omit<ThrottleOptions, 'db'>>;
  private lastSweep = 0;

  constructor(options: ThrottleOptions = {}) {
    const { db, ...rest } = options;
    this.o = {
      maxFailures: 5,
      maxFailuresPerAddress: 20,
      baseDelayMs: 1000,
      maxDelayMs: 15 * 60_000,
      windowMs: 15 * 60_000,
      now: Date.now,
      ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
    };
    this.store = db ? databaseStore(db) : memoryStore();
  }

  private keys(username: string, address: string): [string, number][] {
    return [
      [`u:${username.toLowerCase()}|${address}`.slice(0, KEY_MAX), this.o.maxFailures],
      [`a:${address}`.slice(0, KEY_MAX), this.o.maxFailuresPerAddress],
    ];
  }

  /** The live entries of `keys` (a forgotten one is absent). */
  private async live(keys: string[], now: number): Promise<Map<string, Entry>> {
    const found = await this.store.load(keys);
    for (const [k, e] of found)
      if (now - e.lastFailure > Math.max(this.o.windowMs, e.lockedUntil - e.lastFailure)) found.delete(k);
    return found;
  }

  private async waitOf(username: string, address: string, now: number): Promise<number> {
    let wait = 0;
    const found = await this.live(
      this.keys(username, address).map(([k]) => k),
      now,
    );
    for (const e of found.values()) if (e.lockedUntil > now) wait = Math.max(wait, e.lockedUntil - now);
    return wait;
  }

  private async failNow(username: string, address: string, now: number): Promise<void> {
    const keys = this.keys(username, address);
    const found = await this.live(
      keys.map(([k]) => k),
      now,
    );
    for (const [key, threshold] of keys) {
      const e = found.get(key) ?? { failures: 0, lastFailure: now, lockedUntil: 0 };
      e.failures += 1;
      e.lastFailure = now;
      if (e.failures >= threshold) {
        const delay = Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** (e.failures - threshold));
        e.lockedUntil = now + delay;
      }
      await this.store.save(key, e);
    }
  }

  private async maybeSweep(now: number): Promise<void> {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    // A key may be forgotten once both its window and its lock have passed.
    await this.store.sweep(now - this.o.windowMs - this.o.maxDelayMs);
  }

  /** Milliseconds the caller must still wait before trying again (0 when it may try now). */
  async retryAfter(username: string, address: string): Promise<number> {
    return await this.waitOf(username, address, this.o.now());
  }

  /** Records a failed attempt. */
  async fail(username: string, address: string): Promise<void> {
    const now = this.o.now();
    await this.store.run(() => this.failNow(username, address, now));
  }

  /**
   * Starts a login attempt: when the caller may try now, counts the attempt as a failure at once
   * (before the slow password hash is awaited, so a concurrent burst — from any process on the
   * database — is limited exactly like a sequential one) and returns 0; otherwise returns the wait
   * in ms and counts nothing. A successful attempt is withdrawn with `succeedAttempt`.
   */
  async attempt(username: string, address: string): Promise<number> {
    const now = this.o.now();
    const wait = await this.store.run(async () => {
      const w = await this.waitOf(username, address, now);
      if (w === 0) await this.failNow(username, address, now);
      return w;
    });
    await this.maybeSweep(now);
    return wait;
  }

  /** An attempt begun with `attempt` succeeded: its counted failure is withdrawn. */
  async succeedAttempt(username: string, address: string): Promise<void> {
    const now = this.o.now();
    await this.store.run(async () => {
      const [[userKey], [key, threshold]] = this.keys(username, address);
      await this.store.remove(userKey);
      const e = (await this.live([key], now)).get(key);
      if (!e) return;
      e.failures = Math.max(0, e.failures - 1);
      if (e.failures < threshold) e.lockedUntil = 0;
      if (e.failures === 0) await this.store.remove(key);
      else await this.store.save(key, e);
    });
  }

  /** Records a success: the username + address counter starts over. */
  async succeed(username: string, address: string): Promise<void> {
    await this.store.run(() => this.store.remove(this.keys(username, address)[0][0]));
  }
}

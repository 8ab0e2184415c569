import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type OpenedStore } from '../db/client.ts';
import { LoginThrottle, type ThrottleOptions } from './throttle.ts';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe.each([['memory'], ['sqlite'], ['postgres (PGlite)']])('login throttle in %s', (where) => {
  let store: OpenedStore | undefined;
  beforeAll(async () => {
    if (where === 'sqlite') store = await openStore(':memory:');
    if (where === 'postgres (PGlite)') store = await openStore('pglite:');
  }, 60_000);
  afterAll(async () => {
    await store?.close();
  });
  // Each test gets its own addresses so the shared database does not carry counts over.
  let n = 0;
  const fresh = (o: ThrottleOptions) => {
    n++;
    return new LoginThrottle({ ...o, db: store?.db });
  };
  const addr = (a: string) => `${a}#${n}`;

  it('lets the first failures through, then locks with a doubling delay', async () => {
    const c = clock();
    const th = fresh({ maxFailures: 3, baseDelayMs: 1000, now: c.now });
    await th.fail('admin', addr('1.2.3.4'));
    await th.fail('admin', addr('1.2.3.4'));
    expect(await th.retryAfter('admin', addr('1.2.3.4'))).toBe(0);
    await th.fail('admin', addr('1.2.3.4'));
    expect(await th.retryAfter('admin', addr('1.2.3.4'))).toBe(1000);
    c.advance(1000);
    expect(await th.retryAfter('admin', addr('1.2.3.4'))).toBe(0);
    await th.fail('admin', addr('1.2.3.4'));
    expect(await th.retryAfter('admin', addr('1.2.3.4'))).toBe(2000);
    c.advance(2000);
    await th.fail('admin', addr('1.2.3.4'));
    expect(await th.retryAfter('admin', addr('1.2.3.4'))).toBe(4000);
  });

  it('caps the delay', async () => {
    const c = clock();
    const th = fresh({
      maxFailures: 1,
      baseDelayMs: 1000,
      maxDelayMs: 5000,
      maxFailuresPerAddress: 1000,
      now: c.now,
    });
    for (let i = 0; i < 10; i++) await th.fail('u', addr('a'));
    expect(await th.retryAfter('u', addr('a'))).toBe(5000);
  });

  it('keeps usernames and addresses apart, and is case-insensitive on the username', async () => {
    const c = clock();
    const th = fresh({ maxFailures: 2, now: c.now });
    await th.fail('Admin', addr('a'));
    await th.fail('admin', addr('a'));
    expect(await th.retryAfter('ADMIN', addr('a'))).toBeGreaterThan(0);
    expect(await th.retryAfter('admin', addr('b'))).toBe(0);
    expect(await th.retryAfter('other', addr('a'))).toBe(0);
  });

  it('limits one address over many usernames', async () => {
    const c = clock();
    const th = fresh({ maxFailures: 100, maxFailuresPerAddress: 5, now: c.now });
    for (let i = 0; i < 5; i++) await th.fail(`user${i}`, addr('a'));
    expect(await th.retryAfter('someone-else', addr('a'))).toBeGreaterThan(0);
    expect(await th.retryAfter('someone-else', addr('b'))).toBe(0);
  });

  it('starts over after a success or a quiet window', async () => {
    const c = clock();
    const th = fresh({ maxFailures: 2, windowMs: 60_000, now: c.now });
    await th.fail('u', addr('a'));
    await th.succeed('u', addr('a'));
    await th.fail('u', addr('a'));
    expect(await th.retryAfter('u', addr('a'))).toBe(0);
    c.advance(61_000);
    await th.fail('u', addr('a'));
    expect(await th.retryAfter('u', addr('a'))).toBe(0);
  });

  it('counts a concurrent burst exactly, and (on a database) across throttles sharing it', async () => {
    const c = clock();
    const a = fresh({ maxFailures: 3, baseDelayMs: 1000, now: c.now });
    // A second throttle on the same store stands for a second server process.
    const b =
      where === 'memory'
        ? a
        : new LoginThrottle({ maxFailures: 3, baseDelayMs: 1000, now: c.now, db: store!.db });
    const waits = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).attempt('burst', addr('x'))),
    );
    expect(waits.filter((w) => w === 0)).toHaveLength(3);
    expect(await b.retryAfter('burst', addr('x'))).toBe(1000);
    await a.succeedAttempt('burst', addr('x'));
    expect(await b.retryAfter('burst', addr('x'))).toBe(0);
  });
});

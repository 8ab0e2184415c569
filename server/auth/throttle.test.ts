import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './throttle.ts';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('login throttle', () => {
  it('lets the first failures through, then locks with a doubling delay', () => {
    const c = clock();
    const th = new LoginThrottle({ maxFailures: 3, baseDelayMs: 1000, now: c.now });
    th.fail('admin', '1.2.3.4');
    th.fail('admin', '1.2.3.4');
    expect(th.retryAfter('admin', '1.2.3.4')).toBe(0);
    th.fail('admin', '1.2.3.4');
    expect(th.retryAfter('admin', '1.2.3.4')).toBe(1000);
    c.advance(1000);
    expect(th.retryAfter('admin', '1.2.3.4')).toBe(0);
    th.fail('admin', '1.2.3.4');
    expect(th.retryAfter('admin', '1.2.3.4')).toBe(2000);
    c.advance(2000);
    th.fail('admin', '1.2.3.4');
    expect(th.retryAfter('admin', '1.2.3.4')).toBe(4000);
  });

  it('caps the delay', () => {
    const c = clock();
    const th = new LoginThrottle({
      maxFailures: 1,
      baseDelayMs: 1000,
      maxDelayMs: 5000,
      maxFailuresPerAddress: 1000,
      now: c.now,
    });
    for (let i = 0; i < 10; i++) th.fail('u', 'a');
    expect(th.retryAfter('u', 'a')).toBe(5000);
  });

  it('keeps usernames and addresses apart, and is case-insensitive on the username', () => {
    const c = clock();
    const th = new LoginThrottle({ maxFailures: 2, now: c.now });
    th.fail('Admin', 'a');
    th.fail('admin', 'a');
    expect(th.retryAfter('ADMIN', 'a')).toBeGreaterThan(0);
    expect(th.retryAfter('admin', 'b')).toBe(0);
    expect(th.retryAfter('other', 'a')).toBe(0);
  });

  it('limits one address over many usernames', () => {
    const c = clock();
    const th = new LoginThrottle({ maxFailures: 100, maxFailuresPerAddress: 5, now: c.now });
    for (let i = 0; i < 5; i++) th.fail(`user${i}`, 'a');
    expect(th.retryAfter('someone-else', 'a')).toBeGreaterThan(0);
    expect(th.retryAfter('someone-else', 'b')).toBe(0);
  });

  it('starts over after a success or a quiet window', () => {
    const c = clock();
    const th = new LoginThrottle({ maxFailures: 2, windowMs: 60_000, now: c.now });
    th.fail('u', 'a');
    th.succeed('u', 'a');
    th.fail('u', 'a');
    expect(th.retryAfter('u', 'a')).toBe(0);
    c.advance(61_000);
    th.fail('u', 'a');
    expect(th.retryAfter('u', 'a')).toBe(0);
  });
});

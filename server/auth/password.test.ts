import { describe, expect, it } from 'vitest';
import { hashPassword, passwordProblem, randomPassword, verifyNothing, verifyPassword } from './password.ts';

describe('password hashing (scrypt, per-user salt)', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts every hash differently', async () => {
    const [a, b] = await Promise.all([hashPassword('same'), hashPassword('same')]);
    expect(a).not.toBe(b);
    expect(a.split('$')[4]).not.toBe(b.split('$')[4]);
  });

  it('refuses malformed stored hashes instead of throwing', async () => {
    for (const bad of [
      '',
      'plain',
      'scrypt$1$2$3',
      'bcrypt$16384$8$1$c2FsdA==$a2V5',
      'scrypt$x$8$1$c2FsdA==$a2V5',
      'scrypt$16384$8$1$$',
    ]) {
      expect(await verifyPassword('x', bad)).toBe(false);
    }
  });

  it('normalises Unicode so the same text typed differently matches', async () => {
    const stored = await hashPassword('ｐａｓｓ密码');
    expect(await verifyPassword('pass密码', stored)).toBe(true);
  });

  it('has a dummy verification for unknown users and random first-admin passwords', async () => {
    expect(await verifyNothing('anything')).toBe(false);
    const p = randomPassword();
    expect(p).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(randomPassword()).not.toBe(p);
    expect(passwordProblem('short')).toMatch(/8/);
    expect(passwordProblem('long enough')).toBeUndefined();
  });
});

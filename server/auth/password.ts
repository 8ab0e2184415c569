/**
 * Password hashing with `node:crypto` scrypt and a random salt per user. The stored form names its
 * parameters, so they can be raised later without invalidating existing hashes:
 * `scrypt$N$r$p$<salt base64>$<key base64>`.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEY_LENGTH = 64;
const SALT_BYTES = 16;
const DEFAULTS = { N: 16384, r: 8, p: 1 };

function derive(password: string, salt: Buffer, opts: ScryptOptions, keylen: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keylen, { ...opts, maxmem: 256 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/**
 * Hashes a password with a fresh salt.
 *
 * @example
 * const stored = await hashPassword('correct horse');
 * await verifyPassword('correct horse', stored); // true
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, DEFAULTS, KEY_LENGTH);
  return `scrypt$${DEFAULTS.N}$${DEFAULTS.r}$${DEFAULTS.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Checks a password against a stored hash in constant time; false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return false;
  const salt = Buffer.from(parts[4], 'base64');
  const expected = Buffer.from(parts[5], 'base64');
  if (salt.length === 0 || expected.length === 0) return false;
  const actual = await derive(password, salt, { N, r, p }, expected.length);
  return timingSafeEqual(actual, expected);
}

let dummy: Promise<string> | undefined;
/**
 * Spends the same time as a real verification, for unknown users, so response time does not
 * reveal which usernames exist.
 */
export async function verifyNothing(password: string): Promise<false> {
  dummy ??= hashPassword(randomBytes(12).toString('hex'));
  await verifyPassword(password, await dummy);
  return false;
}

/** A random password for the first admin when none is configured (printed once at start). */
export function randomPassword(): string {
  return randomBytes(12).toString('base64url');
}

/** Refuses passwords too short to be useful; returns a message or undefined when acceptable. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < 8) return '密码至少 8 个字符 / The password needs at least 8 characters';
  if (password.length > 256) return '密码最多 256 个字符 / The password may have at most 256 characters';
  return undefined;
}

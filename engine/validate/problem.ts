import type { Problem } from '../types.ts';

/**
 * Builds a problem whose message says what is wrong and how to fix it, in Chinese then English.
 *
 * @example problem('/maxScore', 'points_mismatch', '分类合计 98 ≠ 100', 'categories sum to 98, not 100')
 */
export function problem(path: string, code: string, zh: string, en: string): Problem {
  return { path, code, message: `${zh} / ${en}` };
}

/** Escapes one JSON pointer token (RFC 6901). */
export function escapePointer(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Joins JSON pointer tokens onto a base pointer. */
export function pointer(base: string, ...tokens: (string | number)[]): string {
  return base + tokens.map((t) => '/' + escapePointer(t)).join('');
}

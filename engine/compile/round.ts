/**
 * Rounding half away from zero on the shortest decimal form, fast: the same results as
 * `roundHalfAway` (engine/numeric/round.ts, which works on the digits of `String(x)`), with
 * arithmetic instead of strings whenever the answer cannot depend on the decimal form.
 *
 * Why it is exact: let D be the decimal that `String(x)` shows. |D − x| ≤ ½ ulp(x), and
 * `s = |x| · 10^d` is computed with a relative error below 2^-52, so for s < 2^31 the computed s is
 * within 5·10^-7 of |D| · 10^d. When the fraction of s is more than 10^-6 away from ½, it therefore
 * falls on the same side of ½ as D's does, and the rounded result is k / 10^d — a correctly
 * rounded IEEE division of two exact numbers, i.e. the double nearest to the decimal k·10^-d,
 * which is what `Number("…")` gives on the slow path.
 *
 * Near a half, the decimal half T = (f + ½) · 10^-d decides, and it is compared through h, the
 * double nearest to T: if |x| = h, T is the shortest form of |x| (no shorter decimal lies within
 * half an ulp of it), a half, rounded away from zero; if |x| > h, then D > T, because rounding
 * to the nearest double is monotonic (D < T would give |x| ≤ h) and D ≠ T (else |x| = h); likewise
 * |x| < h gives D < T. Only huge values (|x| · 10^d ≥ 2^31) take the slow path.
 */
import { roundHalfAway } from '../numeric/round.ts';

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
const LIMIT = 2 ** 31;

/** `roundHalfAway(x, digits)`, fast. */
export function fastRoundHalfAway(x: number, digits: number): number {
  if (digits >= 0 && digits <= 15 && (digits | 0) === digits) {
    if (Number.isInteger(x)) return x;
    const p = POW10[digits];
    const negative = x < 0;
    const ax = negative ? -x : x;
    const s = ax * p;
    if (s < LIMIT) {
      const f = Math.floor(s);
      const frac = s - f;
      let k: number;
      if (frac < 0.499999) k = f;
      else if (frac > 0.500001) k = f + 1;
      // Near a half: compare |x| with the double nearest to the half (f + ½) · 10^-d.
      else k = ax >= (f + 0.5) / p ? f + 1 : f;
      if (k === 0) return 0;
      const r = k / p;
      return negative ? -r : r;
    }
  }
  return roundHalfAway(x, digits);
}

/** Sums numbers and rounds the sum (as `roundedSum`), fast. */
export function fastRoundedSum(values: readonly number[], digits: number): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return fastRoundHalfAway(s, digits);
}

/** A rounded value without -0. */
export function rounded(x: number, digits: number): number {
  const r = fastRoundHalfAway(x, digits);
  return r === 0 ? 0 : r;
}

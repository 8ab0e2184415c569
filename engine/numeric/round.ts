/**
 * Rounds half away from zero (四舍五入) on the number's shortest decimal form, so that
 * `roundHalfAway(1.005, 2) === 1.01`, `roundHalfAway(2.675, 2) === 2.68` and
 * `roundHalfAway(0.1 + 0.2, 2) === 0.3` — never 89.99999999 (SPEC section 3, step 3).
 *
 * The decimal digits are those of `String(x)` (the shortest string that round-trips), so the
 * rounding acts on what a person reads, not on the binary approximation.
 */
export function roundHalfAway(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  if (!Number.isInteger(digits) || digits < 0) throw new RangeError(`digits must be a non-negative integer`);
  if (Number.isInteger(x)) return x;
  const negative = x < 0;
  const { mantissa, exponent } = decimalForm(Math.abs(x));
  // value = 0.mantissa × 10^exponent, i.e. the first `exponent` digits are the integer part.
  const keep = exponent + digits; // number of mantissa digits kept
  if (keep < 0) return 0;
  if (keep >= mantissa.length) return x;
  const kept = mantissa.slice(0, keep);
  const roundUp = mantissa.charCodeAt(keep) >= 53; /* '5' */
  let digitsOut = kept.length > 0 ? incrementIf(kept, roundUp) : roundUp ? '1' : '0';
  let exp = exponent;
  if (digitsOut.length > kept.length && kept.length > 0) exp += 1; // carry: 999 → 1000
  if (kept.length === 0) exp = roundUp ? exponent + 1 : exponent;
  const text = `0.${digitsOut}e${exp}`;
  const result = Number(text);
  return negative && result !== 0 ? -result : result;
}

/** Splits a positive finite number into its shortest decimal mantissa digits and exponent. */
function decimalForm(x: number): { mantissa: string; exponent: number } {
  const s = String(x);
  let digits: string;
  let exp10: number;
  const e = s.indexOf('e');
  const body = e >= 0 ? s.slice(0, e) : s;
  const extra = e >= 0 ? Number(s.slice(e + 1)) : 0;
  const dot = body.indexOf('.');
  if (dot >= 0) {
    digits = body.slice(0, dot) + body.slice(dot + 1);
    exp10 = dot + extra;
  } else {
    digits = body;
    exp10 = body.length + extra;
  }
  // strip leading zeros (0.00123 → digits "000123", exp 1)
  let lead = 0;
  while (lead < digits.length - 1 && digits[lead] === '0') lead++;
  digits = digits.slice(lead);
  exp10 -= lead;
  return { mantissa: digits, exponent: exp10 };
}

function incrementIf(digits: string, up: boolean): string {
  if (!up) return digits;
  const chars = digits.split('');
  let i = chars.length - 1;
  while (i >= 0) {
    if (chars[i] === '9') {
      chars[i] = '0';
      i--;
    } else {
      chars[i] = String.fromCharCode(chars[i].charCodeAt(0) + 1);
      return chars.join('');
    }
  }
  return '1' + chars.join('');
}

/** Sums numbers and rounds the sum to `digits`, so no binary residue shows. */
export function roundedSum(values: readonly number[], digits: number): number {
  let s = 0;
  for (const v of values) s += v;
  return roundHalfAway(s, digits);
}

/**
 * A number as people read it in a trace: rounded half away from zero to `digits` decimals (6 by
 * default), so binary-float residue never shows (0.5999999999999943 → "0.6"); the exact value stays
 * in the JSON results.
 *
 * @example forPeople(0.1 + 0.2) // "0.3"
 */
export function forPeople(x: number, digits = 6): string {
  if (!Number.isFinite(x)) return String(x);
  const r = roundHalfAway(x, digits);
  return String(r === 0 ? 0 : r);
}

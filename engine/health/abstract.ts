/**
 * Abstract values for the health check: every value a JSON-logic formula may yield over a box of
 * inputs, over-approximated as a union of a numeric interval (with a NaN flag), the booleans, a set
 * of strings, null and "anything else". The numeric bounds are computed with the very same
 * floating-point operations the engine performs (IEEE rounding is monotone, so the bounds of
 * `fl(a + b)` over intervals are `fl(lo + lo)` and `fl(hi + hi)`): no widening is needed and no
 * float residue can make a claim false.
 */

/** A set of possible values. `lo`/`hi` bound the possible non-NaN numbers when `num` is true. */
export interface AV {
  num: boolean;
  lo: number;
  hi: number;
  nan: boolean;
  t: boolean;
  f: boolean;
  /** Possible strings: a finite set, or 'any'. */
  str: ReadonlySet<string> | 'any' | null;
  nul: boolean;
  /** Arrays, objects or anything else this analysis does not follow. */
  other: boolean;
}

const EMPTY: AV = {
  num: false,
  lo: Infinity,
  hi: -Infinity,
  nan: false,
  t: false,
  f: false,
  str: null,
  nul: false,
  other: false,
};

/** Everything. */
export const TOP: AV = {
  num: true,
  lo: -Infinity,
  hi: Infinity,
  nan: true,
  t: true,
  f: true,
  str: 'any',
  nul: true,
  other: true,
};

export const NUM_TOP: AV = { ...EMPTY, num: true, lo: -Infinity, hi: Infinity, nan: true };
export const BOOL_TOP: AV = { ...EMPTY, t: true, f: true };
export const NULL: AV = { ...EMPTY, nul: true };

export function numAV(lo: number, hi: number, nan = false): AV {
  if (Number.isNaN(lo) || Number.isNaN(hi)) return { ...NUM_TOP };
  return { ...EMPTY, num: true, lo, hi, nan };
}

export function boolAV(t: boolean, f: boolean): AV {
  return { ...EMPTY, t, f };
}

export function strAV(values: Iterable<string> | 'any'): AV {
  return { ...EMPTY, str: values === 'any' ? 'any' : new Set(values) };
}

/** The abstract value of a JSON literal. */
export function constAV(v: unknown): AV {
  if (typeof v === 'number') return Number.isNaN(v) ? { ...EMPTY, nan: true } : numAV(v, v);
  if (typeof v === 'boolean') return boolAV(v, !v);
  if (typeof v === 'string') return strAV([v]);
  if (v === null || v === undefined) return NULL;
  return { ...EMPTY, other: true };
}

/** The union of two sets of values. */
export function join(a: AV, b: AV): AV {
  let str: AV['str'] = null;
  if (a.str === 'any' || b.str === 'any') str = 'any';
  else if (a.str || b.str) str = new Set([...(a.str ?? []), ...(b.str ?? [])]);
  return {
    num: a.num || b.num,
    lo: Math.min(a.num ? a.lo : Infinity, b.num ? b.lo : Infinity),
    hi: Math.max(a.num ? a.hi : -Infinity, b.num ? b.hi : -Infinity),
    nan: a.nan || b.nan,
    t: a.t || b.t,
    f: a.f || b.f,
    str,
    nul: a.nul || b.nul,
    other: a.other || b.other,
  };
}

/** Whether a value may be JSON-logic truthy / falsy (json-logic-js `truthy`). */
export function truthiness(a: AV): { canT: boolean; canF: boolean } {
  let canT = a.t || a.other;
  let canF = a.f || a.nul || a.nan || a.other;
  if (a.num) {
    if (a.lo <= 0 && a.hi >= 0) canF = true;
    if (a.lo < 0 || a.hi > 0) canT = true;
  }
  if (a.str === 'any') canT = canF = true;
  else if (a.str) for (const s of a.str) s === '' ? (canF = true) : (canT = true);
  return { canT, canF };
}

/** The falsy values of a set (what `and` can stop at). */
export function falsyPart(a: AV): AV {
  const zero = a.num && a.lo <= 0 && a.hi >= 0;
  let str: AV['str'] = null;
  if (a.str === 'any' || (a.str && a.str.has(''))) str = new Set(['']);
  return {
    ...EMPTY,
    num: zero,
    lo: zero ? 0 : Infinity,
    hi: zero ? 0 : -Infinity,
    nan: a.nan,
    f: a.f,
    str,
    nul: a.nul,
    other: a.other,
  };
}

/** The truthy values of a set (what `or` can stop at); numbers keep their interval. */
export function truthyPart(a: AV): AV {
  const nonZero = a.num && (a.lo < 0 || a.hi > 0);
  let str: AV['str'] = null;
  if (a.str === 'any') str = 'any';
  else if (a.str) str = new Set([...a.str].filter((x) => x !== ''));
  return {
    ...EMPTY,
    num: nonZero,
    lo: nonZero ? a.lo : Infinity,
    hi: nonZero ? a.hi : -Infinity,
    t: a.t,
    str,
    other: a.other,
  };
}

/** Only numbers (no NaN, strings, booleans, null or others): arithmetic is then exact on bounds. */
export function onlyNumbers(a: AV): boolean {
  return a.num && !a.nan && !a.t && !a.f && a.str === null && !a.nul && !a.other;
}

/**
 * The numbers `Number(v)` may give (JS coercion, used by `-`, `/`, `%`, `min`, `max`, comparisons
 * with a number and our custom operations).
 */
export function toNumberAV(a: AV): AV {
  let r: AV = { ...EMPTY, nan: a.nan || a.other };
  if (a.num) r = join(r, numAV(a.lo, a.hi));
  if (a.t) r = join(r, numAV(1, 1));
  if (a.f || a.nul) r = join(r, numAV(0, 0));
  if (a.other) r = join(r, NUM_TOP);
  if (a.str === 'any') r = join(r, NUM_TOP);
  else if (a.str) for (const s of a.str) r = join(r, constAV(Number(s)));
  return r;
}

/** The numbers `parseFloat(v)` may give (used by `+` and `*`). */
export function parseFloatAV(a: AV): AV {
  let r: AV = { ...EMPTY, nan: a.nan || a.t || a.f || a.nul || a.other };
  if (a.num) r = join(r, numAV(a.lo, a.hi));
  if (a.other || a.str === 'any') r = join(r, NUM_TOP);
  else if (a.str) for (const s of a.str) r = join(r, constAV(parseFloat(s)));
  return r;
}

/**
 * Bounds of a binary float operation over two numeric abstract values, from the corners (valid for
 * operations monotone in each argument on the box: `+`, `-`, and `*` / `/` with the sign handled by
 * taking every corner). Any NaN corner makes the result unknown.
 */
export function corners(a: AV, b: AV, op: (x: number, y: number) => number): AV {
  const nan = a.nan || b.nan;
  if (!a.num || !b.num) return { ...EMPTY, nan: true };
  const cs = [op(a.lo, b.lo), op(a.lo, b.hi), op(a.hi, b.lo), op(a.hi, b.hi)];
  if (cs.some(Number.isNaN)) return { ...NUM_TOP };
  return numAV(Math.min(...cs), Math.max(...cs), nan);
}

export function addAV(a: AV, b: AV): AV {
  return corners(a, b, (x, y) => x + y);
}

export function subAV(a: AV, b: AV): AV {
  return corners(a, b, (x, y) => x - y);
}

export function mulAV(a: AV, b: AV): AV {
  // 0 × ∞ is NaN: corners() sees it and gives up to NUM_TOP.
  const r = corners(a, b, (x, y) => x * y);
  // Inside the box a zero factor with an infinite other factor (not a corner) would be NaN.
  if (
    (a.lo < 0 && a.hi > 0 && !Number.isFinite(b.lo + b.hi)) ||
    (b.lo < 0 && b.hi > 0 && !Number.isFinite(a.lo + a.hi))
  )
    return { ...NUM_TOP };
  return r;
}

export function divAV(a: AV, b: AV): AV {
  if (!a.num || !b.num) return { ...EMPTY, nan: true };
  if (b.lo <= 0 && b.hi >= 0) return { ...NUM_TOP };
  const r = corners(a, b, (x, y) => x / y);
  if (!Number.isFinite(a.lo) || !Number.isFinite(a.hi)) return { ...NUM_TOP };
  return r;
}

/** Result of a comparison: which booleans it may give. */
export type Tri = { canT: boolean; canF: boolean };

/**
 * `a < b` (strict) or `a <= b` with JS semantics. Exact when both sides are only numbers; two
 * string sets are compared element-wise; anything else may go either way.
 */
export function lessAV(a: AV, b: AV, strict: boolean): Tri {
  if (onlyNumbers(a) && onlyNumbers(b)) {
    const always = strict ? a.hi < b.lo : a.hi <= b.lo;
    const never = strict ? a.lo >= b.hi : a.lo > b.hi;
    return { canT: !never, canF: !always };
  }
  const onlyStr = (x: AV) =>
    x.str !== null && x.str !== 'any' && !x.num && !x.nan && !x.t && !x.f && !x.nul && !x.other;
  if (onlyStr(a) && onlyStr(b)) {
    let canT = false;
    let canF = false;
    for (const x of a.str as Set<string>)
      for (const y of b.str as Set<string>) (strict ? x < y : x <= y) ? (canT = true) : (canF = true);
    return { canT, canF };
  }
  // Mixed: Number coercion on both unless both strings; NaN makes it false.
  const na = toNumberAV(a);
  const nb = toNumberAV(b);
  if (a.str === null && b.str === null && na.num && nb.num) {
    const always = strict ? na.hi < nb.lo : na.hi <= nb.lo;
    const never = strict ? na.lo >= nb.hi : na.lo > nb.hi;
    return { canT: !never, canF: !always || na.nan || nb.nan };
  }
  return { canT: true, canF: true };
}

/** `a === b` (strict) or `a == b` (loose). Exact for numbers, booleans and string sets. */
export function equalAV(a: AV, b: AV, strict: boolean): Tri {
  const kinds = (x: AV) =>
    (x.num || x.nan ? 1 : 0) + (x.t || x.f ? 1 : 0) + (x.str ? 1 : 0) + (x.nul ? 1 : 0) + (x.other ? 1 : 0);
  if (a.other || b.other) return { canT: true, canF: true };
  if (!strict && (kinds(a) > 1 || kinds(b) > 1 || kindOf(a) !== kindOf(b))) {
    // Loose equality across kinds: only null == null is simple; leave the rest undecided.
    if (kindOf(a) === 'nul' && kindOf(b) === 'nul') return { canT: true, canF: false };
    return { canT: true, canF: true };
  }
  let canT = false;
  let canF = false;
  if (a.num || a.nan || b.num || b.nan) {
    if (a.num && b.num) {
      if (a.lo <= b.hi && b.lo <= a.hi) canT = true;
      if (!(a.lo === a.hi && b.lo === b.hi && a.lo === b.lo)) canF = true;
    }
    if (a.nan || b.nan || a.num !== b.num) canF = true;
  }
  if (a.t || a.f || b.t || b.f) {
    if ((a.t && b.t) || (a.f && b.f)) canT = true;
    if ((a.t && b.f) || (a.f && b.t) || (a.t || a.f) !== (b.t || b.f)) canF = true;
  }
  if (a.str || b.str) {
    if (a.str === 'any' || b.str === 'any') canT = canF = true;
    else if (a.str && b.str) {
      for (const x of a.str) for (const y of b.str) x === y ? (canT = true) : (canF = true);
    } else canF = true;
  }
  if (a.nul || b.nul) {
    if (a.nul && b.nul) canT = true;
    if (a.nul !== b.nul || kinds(a) > 1 || kinds(b) > 1) canF = true;
  }
  if (kinds(a) > 1 || kinds(b) > 1) canF = true;
  return { canT, canF };
}

function kindOf(x: AV): string {
  if (x.other) return 'other';
  if (x.num || x.nan) return 'num';
  if (x.t || x.f) return 'bool';
  if (x.str) return 'str';
  if (x.nul) return 'nul';
  return 'none';
}

/** Restricts a numeric abstract value to its non-NaN numbers. */
export function numbersOf(a: AV): { lo: number; hi: number } | null {
  return a.num ? { lo: a.lo, hi: a.hi } : null;
}

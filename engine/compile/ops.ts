/**
 * The run-time helpers of compiled formulas: json-logic-js 2.0.5's operation bodies (logic.js),
 * restated so that the compiled closures behave exactly as `jsonLogic.apply` does — same
 * coercions, same results, and the same native errors where json-logic-js throws. `cat` and
 * `substr` add the string cap of limits.ts, registered with json-logic-js too (logic/operations.ts).
 */
import { MAX_STRING_LENGTH, stringLength, stringTooLong } from '../limits.ts';

/** JSON-logic truthiness: an empty array is false, everything else as in JavaScript. */
export function truthy(v: unknown): boolean {
  return Array.isArray(v) ? v.length !== 0 : !!v;
}

/**
 * `parseFloat(v, 10)` as `+` and `*` apply it to each operand, with a fast path for numbers
 * (`parseFloat(String(n))` is `n` for every number except -0, which becomes 0).
 */
export function pf(v: unknown): number {
  if (typeof v === 'number') return v === 0 ? 0 : v;
  return parseFloat(v as string);
}

/** `var`: a dotted path into the data, with `notFound` (null by default) for absent values. */
export function varLookup(data: unknown, a: unknown, b: unknown): unknown {
  const notFound = b === undefined ? null : b;
  if (typeof a === 'undefined' || a === '' || a === null) return data;
  const subProps = String(a).split('.');
  let d: any = data;
  for (let i = 0; i < subProps.length; i++) {
    if (d === null || d === undefined) return notFound;
    d = d[subProps[i]];
    if (d === undefined) return notFound;
  }
  return d;
}

/** `in`: substring of a string, or element (===) of an array. */
export function opIn(a: unknown, b: any): boolean {
  if (!b || typeof b.indexOf === 'undefined') return false;
  return b.indexOf(a) !== -1;
}

/**
 * `cat`: the operands joined as strings (null and undefined as ""). Refuses (throws) a result longer
 * than MAX_STRING_LENGTH, measured from the operands before joining.
 */
export function opCat(args: ArrayLike<unknown>): string {
  let length = 0;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a !== null && a !== undefined) length += stringLength(a, MAX_STRING_LENGTH - length);
    if (length > MAX_STRING_LENGTH) throw stringTooLong(length);
  }
  return Array.prototype.join.call(args, '');
}

/**
 * `substr`: like String.prototype.substr, with a negative length counting from the end (PHP).
 * Refuses a source whose text would be longer than MAX_STRING_LENGTH (an array joined, say).
 */
export function opSubstr(source: unknown, start: any, end: any): string {
  if (typeof source !== 'string') {
    const length = stringLength(source);
    if (length > MAX_STRING_LENGTH) throw stringTooLong(length);
  }
  if (end < 0) {
    const temp = String(source).substr(start);
    return temp.substr(0, temp.length + end);
  }
  return String(source).substr(start, end);
}

/** `+` over evaluated operands: a sum of `parseFloat`s from 0. */
export function opPlus(args: unknown[]): number {
  let acc = 0;
  for (let i = 0; i < args.length; i++) acc = pf(acc) + pf(args[i]);
  return acc;
}

const multiply = (a: unknown, b: unknown): unknown => pf(a) * pf(b);

/**
 * `*` over evaluated operands: `reduce` without an initial value, so one operand is returned
 * unchanged and none throws the native TypeError that json-logic-js throws.
 */
export function opTimes(args: unknown[]): unknown {
  return args.reduce(multiply);
}

/** `-`: negation with one operand, subtraction with two. */
export function opMinus(a: any, b: any): number {
  return b === undefined ? -a : a - b;
}

export function opLess(a: any, b: any, c: any): boolean {
  return c === undefined ? a < b : a < b && b < c;
}

export function opLessEq(a: any, b: any, c: any): boolean {
  return c === undefined ? a <= b : a <= b && b <= c;
}

/**
 * The ecoscore JSON-logic dialect as one table (SPEC section 2): the json-logic-js operations we
 * allow, and our custom operations `round`, `clamp` and `interp`, registered once with json-logic-js.
 * The validator, the interpreter, the renderer and the compiler all read this table.
 */
import jsonLogic from 'json-logic-js';
import { roundHalfAway } from '../numeric/round.ts';
import { opCat, opSubstr } from '../compile/ops.ts';

/** Operations of json-logic-js that formulas may use. */
export const BUILTIN_OPERATIONS = [
  'var',
  'missing',
  'missing_some',
  'if',
  '?:',
  '==',
  '===',
  '!=',
  '!==',
  '!',
  '!!',
  'or',
  'and',
  '>',
  '>=',
  '<',
  '<=',
  'max',
  'min',
  '+',
  '-',
  '*',
  '/',
  '%',
  'in',
  'cat',
  'substr',
] as const;

/** json-logic-js operations that exist but are refused: they loop, call methods or log. */
export const FORBIDDEN_OPERATIONS = [
  'method',
  'log',
  'map',
  'filter',
  'reduce',
  'all',
  'none',
  'some',
  'merge',
] as const;

function toNumber(v: unknown): number {
  return Number(v);
}

/** `round([x, digits])`: half away from zero on the decimal form, like item points. */
export function opRound(x: unknown, digits: unknown = 0): number {
  const n = toNumber(x);
  const d = toNumber(digits);
  if (!Number.isFinite(n)) return n;
  if (!Number.isInteger(d) || d < 0 || d > 15) return NaN;
  return roundHalfAway(n, d);
}

/** `clamp([x, lo, hi])`: x limited to [lo, hi]. */
export function opClamp(x: unknown, lo: unknown, hi: unknown): number {
  const n = toNumber(x);
  const l = toNumber(lo);
  const h = toNumber(hi);
  if (Number.isNaN(n) || Number.isNaN(l) || Number.isNaN(h)) return NaN;
  return Math.min(Math.max(n, l), h);
}

/** The points of `interp` as two arrays (x strictly increasing), or null when they are malformed. */
export interface InterpTable {
  xs: number[];
  ys: number[];
}

/** Parses `interp` points once; null when malformed (then `interp` gives NaN). */
export function interpTable(points: unknown): InterpTable | null {
  if (!Array.isArray(points) || points.length === 0) return null;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const p of points) {
    if (!Array.isArray(p) || p.length !== 2) return null;
    const px = toNumber(p[0]);
    const py = toNumber(p[1]);
    if (!Number.isFinite(px) || !Number.isFinite(py)) return null;
    if (xs.length > 0 && !(px > xs[xs.length - 1])) return null;
    xs.push(px);
    ys.push(py);
  }
  return { xs, ys };
}

/** The piecewise-linear value at `n` of a parsed table, flat beyond the ends. */
export function interpAt({ xs, ys }: InterpTable, n: number): number {
  if (Number.isNaN(n)) return NaN;
  if (n <= xs[0]) return ys[0];
  const last = xs.length - 1;
  if (n >= xs[last]) return ys[last];
  let i = 1;
  while (xs[i] < n) i++;
  // At a breakpoint its y exactly (no float residue: interp(3; 0→0, 3→0.35) is 0.35, not 0.3499…).
  if (n === xs[i]) return ys[i];
  const x0 = xs[i - 1];
  return ys[i - 1] + ((ys[i] - ys[i - 1]) * (n - x0)) / (xs[i] - x0);
}

/**
 * `interp([x, [[x0, y0], [x1, y1], …]])`: piecewise-linear through the points (x0 < x1 < …),
 * flat beyond the ends. NaN when the points are malformed.
 */
export function opInterp(x: unknown, points: unknown): number {
  const n = toNumber(x);
  const table = interpTable(points);
  return table === null ? NaN : interpAt(table, n);
}

/** Our custom operations: name → implementation and how many arguments it takes. */
export const CUSTOM_OPERATIONS = {
  round: { fn: opRound, minArgs: 1, maxArgs: 2 },
  clamp: { fn: opClamp, minArgs: 3, maxArgs: 3 },
  interp: { fn: opInterp, minArgs: 2, maxArgs: 2 },
} as const;

export type CustomOperation = keyof typeof CUSTOM_OPERATIONS;

/** Every operation a formula may use. */
export const ALLOWED_OPERATIONS: ReadonlySet<string> = new Set<string>([
  ...BUILTIN_OPERATIONS,
  ...Object.keys(CUSTOM_OPERATIONS),
]);

let registered = false;
/** Registers the custom operations with json-logic-js (idempotent). */
export function registerOperations(): typeof jsonLogic {
  if (!registered) {
    for (const [name, op] of Object.entries(CUSTOM_OPERATIONS)) {
      jsonLogic.add_operation(name, op.fn as (...args: unknown[]) => unknown);
    }
    // json-logic-js's own `cat` and `substr` with the string cap (limits.ts), the very functions
    // the compiled path calls, so both paths fail the same formulas with the same message.
    jsonLogic.add_operation('cat', (...args: unknown[]) => opCat(args));
    jsonLogic.add_operation('substr', opSubstr as (...args: unknown[]) => unknown);
    registered = true;
  }
  return jsonLogic;
}

/** json-logic-js with our operations registered. */
export const logic = registerOperations();

/** JSON-logic truthiness (an empty array is false), used for `when` conditions. */
export function truthy(v: unknown): boolean {
  return logic.truthy(v);
}

/**
 * Abstract interpretation of a formula: the set of values it may yield when its variables range
 * over abstract values, following json-logic-js and the engine's custom operations (round, clamp,
 * interp from engine/logic/operations.ts) operation by operation. An operation this analysis does
 * not know yields TOP (anything), so the result is always an over-approximation.
 */
import { interpAt, interpTable, opClamp, opRound } from '../logic/operations.ts';
import { argsOf, isOperation, operationOf } from '../logic/walk.ts';
import {
  BOOL_TOP,
  NULL,
  NUM_TOP,
  TOP,
  addAV,
  boolAV,
  constAV,
  divAV,
  equalAV,
  falsyPart,
  truthyPart,
  join,
  lessAV,
  mulAV,
  numAV,
  parseFloatAV,
  strAV,
  subAV,
  toNumberAV,
  truthiness,
  type AV,
  type Tri,
} from './abstract.ts';

/** Variable name → abstract value; `defaulted` names may be absent (var's default applies). */
export interface AbstractScope {
  get(name: string): AV | undefined;
  mayBeMissing(name: string): boolean;
  /** Values of whole formulas already evaluated in this scope (see `evalIn`). */
  memo?: WeakMap<object, AV>;
}

/** `absEval` of a whole formula, memoised in the scope (a formula is asked about several times). */
export function evalIn(formula: unknown, scope: AbstractScope): AV {
  if (!scope.memo || typeof formula !== 'object' || formula === null) return absEval(formula, scope);
  let v = scope.memo.get(formula);
  if (!v) {
    v = absEval(formula, scope);
    scope.memo.set(formula, v);
  }
  return v;
}

const triAV = (r: Tri): AV => boolAV(r.canT, r.canF);

/** The abstract value of argument `i` (null when absent). Not a closure per call: absEval is hot. */
function argAt(raw: unknown[], scope: AbstractScope, i: number): AV {
  return i < raw.length ? absEval(raw[i], scope) : NULL;
}

/** The abstract value of `formula` in `scope`. */
export function absEval(formula: unknown, scope: AbstractScope): AV {
  if (Array.isArray(formula)) return constAV(formula);
  if (!isOperation(formula)) return constAV(formula);
  const op = operationOf(formula);
  const raw = argsOf(formula);
  switch (op) {
    case 'var': {
      const name = raw[0];
      if (typeof name !== 'string' || name === '') return TOP;
      const v = scope.get(name);
      if (!v) return TOP;
      const dflt = raw.length > 1 ? argAt(raw, scope, 1) : NULL;
      return scope.mayBeMissing(name) ? join(v, dflt) : v;
    }
    case 'if':
    case '?:': {
      let out: AV | null = null;
      let i = 0;
      for (; i < raw.length - 1; i += 2) {
        const c = truthiness(argAt(raw, scope, i));
        if (c.canT) out = out ? join(out, argAt(raw, scope, i + 1)) : argAt(raw, scope, i + 1);
        if (!c.canF) return out as AV;
      }
      const rest = raw.length === i + 1 ? argAt(raw, scope, i) : NULL;
      return out ? join(out, rest) : rest;
    }
    case 'and':
    case 'or': {
      if (raw.length === 0) return NULL;
      let out: AV | null = null;
      for (let i = 0; i < raw.length; i++) {
        const a = argAt(raw, scope, i);
        const tr = truthiness(a);
        const stops = op === 'and' ? tr.canF : tr.canT;
        const goes = op === 'and' ? tr.canT : tr.canF;
        const part = i === raw.length - 1 ? a : op === 'and' ? falsyPart(a) : truthyPart(a);
        if (i === raw.length - 1 || stops) out = out ? join(out, part) : part;
        if (!goes) break;
      }
      return out as AV;
    }
    case '!':
    case '!!': {
      const tr = truthiness(argAt(raw, scope, 0));
      return op === '!' ? boolAV(tr.canF, tr.canT) : boolAV(tr.canT, tr.canF);
    }
    case '<':
    case '<=': {
      const strict = op === '<';
      if (raw.length >= 3) {
        const a = lessAV(argAt(raw, scope, 0), argAt(raw, scope, 1), strict);
        const b = lessAV(argAt(raw, scope, 1), argAt(raw, scope, 2), strict);
        return boolAV(a.canT && b.canT, a.canF || b.canF);
      }
      return triAV(lessAV(argAt(raw, scope, 0), argAt(raw, scope, 1), strict));
    }
    case '>':
      return triAV(lessAV(argAt(raw, scope, 1), argAt(raw, scope, 0), true));
    case '>=':
      return triAV(lessAV(argAt(raw, scope, 1), argAt(raw, scope, 0), false));
    case '==':
    case '===':
      return triAV(equalAV(argAt(raw, scope, 0), argAt(raw, scope, 1), op === '==='));
    case '!=':
    case '!==': {
      const r = equalAV(argAt(raw, scope, 0), argAt(raw, scope, 1), op === '!==');
      return boolAV(r.canF, r.canT);
    }
    case '+': {
      let acc = numAV(0, 0);
      for (let i = 0; i < raw.length; i++) acc = addAV(acc, parseFloatAV(argAt(raw, scope, i)));
      return acc;
    }
    case '*': {
      if (raw.length === 0) return TOP;
      if (raw.length === 1) return argAt(raw, scope, 0);
      let acc = mulAV(parseFloatAV(argAt(raw, scope, 0)), parseFloatAV(argAt(raw, scope, 1)));
      for (let i = 2; i < raw.length; i++) acc = mulAV(acc, parseFloatAV(argAt(raw, scope, i)));
      return acc;
    }
    case '-': {
      if (raw.length === 1) return subAV(numAV(0, 0), toNumberAV(argAt(raw, scope, 0)));
      return subAV(toNumberAV(argAt(raw, scope, 0)), toNumberAV(argAt(raw, scope, 1)));
    }
    case '/':
      return divAV(toNumberAV(argAt(raw, scope, 0)), toNumberAV(argAt(raw, scope, 1)));
    case 'min':
    case 'max': {
      if (raw.length === 0) return op === 'min' ? numAV(Infinity, Infinity) : numAV(-Infinity, -Infinity);
      const xs = raw.map((_, i) => toNumberAV(argAt(raw, scope, i)));
      if (xs.some((x) => !x.num)) return { ...NUM_TOP };
      const f = op === 'min' ? Math.min : Math.max;
      return numAV(
        f(...xs.map((x) => x.lo)),
        f(...xs.map((x) => x.hi)),
        xs.some((x) => x.nan),
      );
    }
    case 'round': {
      const x = toNumberAV(argAt(raw, scope, 0));
      const d = raw.length > 1 ? raw[1] : 0;
      if (typeof d !== 'number' || !x.num) return { ...NUM_TOP };
      const lo = opRound(x.lo, d);
      const hi = opRound(x.hi, d);
      return Number.isNaN(lo) || Number.isNaN(hi) ? { ...NUM_TOP } : numAV(lo, hi, x.nan);
    }
    case 'clamp': {
      const [x, l, h] = [0, 1, 2].map((i) => toNumberAV(argAt(raw, scope, i)));
      if (!x.num || !l.num || !h.num) return { ...NUM_TOP };
      return numAV(opClamp(x.lo, l.lo, h.lo), opClamp(x.hi, l.hi, h.hi), x.nan || l.nan || h.nan);
    }
    case 'interp': {
      const x = toNumberAV(argAt(raw, scope, 0));
      const table = interpTable(raw[1]);
      if (!table || !x.num) return { ...NUM_TOP };
      const vals = [interpAt(table, x.lo), interpAt(table, x.hi)];
      table.xs.forEach((bx, i) => {
        if (bx > x.lo && bx < x.hi) vals.push(table.ys[i]);
      });
      // interp computes y0 + (dy·(x − x0))/dx in floats, which may pass a segment's end by an ulp.
      const lo = Math.min(...vals);
      const hi = Math.max(...vals);
      return numAV(lo - Math.abs(lo) * 1e-15 - 1e-300, hi + Math.abs(hi) * 1e-15 + 1e-300, x.nan);
    }
    case 'in': {
      const a = argAt(raw, scope, 0);
      const list = raw[1];
      if (Array.isArray(list) && list.every((v) => !isOperation(v) && !Array.isArray(v))) {
        const onlyStrings = a.str instanceof Set && !a.num && !a.nan && !a.t && !a.f && !a.nul && !a.other;
        if (onlyStrings) {
          const set = a.str as ReadonlySet<string>;
          return boolAV(
            [...set].some((s) => list.includes(s)),
            [...set].some((s) => !list.includes(s)),
          );
        }
        let canT = false;
        let canF = false;
        const members = list.map(constAV);
        for (const m of members) {
          const r = equalAV(a, m, true);
          if (r.canT) canT = true;
        }
        // a is surely outside when no member can equal it; surely inside only for a single value.
        canF = !members.some((m) => !equalAV(a, m, true).canF);
        return boolAV(canT, canF);
      }
      return BOOL_TOP;
    }
    case 'cat':
    case 'substr':
      return strAV('any');
    case '%': {
      const a = toNumberAV(argAt(raw, scope, 0));
      const b = toNumberAV(argAt(raw, scope, 1));
      if (a.num && b.num && a.lo >= 0 && b.lo > 0 && Number.isFinite(b.hi) && Number.isFinite(a.hi))
        return numAV(0, Math.min(a.hi, b.hi), a.nan || b.nan);
      return { ...NUM_TOP };
    }
    default:
      return TOP;
  }
}

/** Every number literal in a formula (candidate split points and witness values). */
export function constantsOf(formula: unknown, out: Set<number> = new Set()): Set<number> {
  if (typeof formula === 'number' && Number.isFinite(formula)) out.add(formula);
  else if (Array.isArray(formula)) for (const f of formula) constantsOf(f, out);
  else if (formula && typeof formula === 'object')
    for (const v of Object.values(formula)) constantsOf(v, out);
  return out;
}

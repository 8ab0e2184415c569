/**
 * JSON-logic formulas as SMT terms over the reals, for the exact decisions of the health check and
 * of 整改路径. What reads no symbolic input is evaluated by json-logic itself (the engine's own
 * float operations); the rest is encoded operation by operation: + − × ÷ (a zero divisor is not
 * "ok": the engine's Infinity/NaN make every comparison over it a free choice), min, max, clamp,
 * interp, round (an integer multiple of 10^-d), if, and, or, !, comparisons, ==, in.
 *
 * Two modes. `exact`: the formulas over the reals (what the optimiser of paths works on; each answer
 * is replayed through the engine). `sound`: every operation's result may differ from the real one by
 * a double's rounding error (|δ| ≤ 2^-52·|x| + 2^-1022) and results beyond ±1e300 are not "ok" (the
 * engine may overflow there): an over-approximation of what the engine's floats can do, so "no
 * solution" is a proof about the engine. Anything else (strings without `enum`, absent values,
 * loose equality across types, unknown operations) throws Unsupported: the caller keeps `unknown`.
 */
import type { Arith, Bool } from 'z3-solver';
import { argsOf, isOperation, operationOf } from '../../logic/walk.ts';
import { interpTable } from '../../logic/operations.ts';
import { logic } from '../../logic/operations.ts';
import { exactRational, type Z3 } from './z3.ts';

type A = Arith<'ecoscore'>;
type B = Bool<'ecoscore'>;

/** A value: a constant (any JSON value), a number (with when it is a finite number), a boolean, an enum string. */
export type Val =
  | { k: 'c'; v: unknown }
  | { k: 'n'; e: A; ok: B | null; pre?: A; float?: boolean }
  | { k: 'b'; e: B }
  | { k: 's'; e: A; table: readonly string[] };

export class Unsupported extends Error {
  constructor(what: string) {
    super(`not encodable: ${what}`);
    this.name = 'Unsupported';
  }
}

export interface EncoderOptions {
  mode: 'exact' | 'sound';
  /** Symbolic inputs (name → value); every other input is a constant in `constants`. */
  symbols: Map<string, Val>;
  /** Fixed inputs, parameters (by name; `prev` is the engine's object of previous values). */
  constants: Record<string, unknown>;
  /** Derived values by key. */
  derived: Map<string, unknown>;
}

const U = 2 ** -52;
const TINY = 2 ** -1022;
const BIG = 1e300;

export class Encoder {
  readonly side: B[] = [];
  private memo = new Map<string, Val>();
  private n = 0;
  constructor(
    readonly Z: Z3,
    readonly o: EncoderOptions,
  ) {}

  num(x: number): A {
    return this.Z.Real.val(exactRational(x));
  }

  /** A number as its shortest decimal (how the engine's rounded points and sums read). */
  dec(x: number): A {
    const t = String(x);
    return /e/i.test(t) ? this.num(x) : this.Z.Real.val(t);
  }

  private fresh(prefix: string): A {
    return this.Z.Real.const(`${prefix}!${this.n++}`);
  }

  private freshBool(): B {
    return this.Z.Bool.const(`b!${this.n++}`);
  }

  /** Whether a formula reads a symbolic input (through derived values). */
  symbolic(f: unknown, seen = new Set<string>()): boolean {
    if (Array.isArray(f)) return f.some((x) => this.symbolic(x, seen));
    if (!f || typeof f !== 'object') return false;
    if (isOperation(f) && operationOf(f) === 'var') {
      const name = argsOf(f)[0];
      if (typeof name !== 'string') return false;
      if (this.o.symbols.has(name)) return true;
      const dv = this.o.derived.get(name);
      if (dv !== undefined && !seen.has(name)) {
        seen.add(name);
        return this.symbolic(dv, seen);
      }
      return this.symbolic(argsOf(f).slice(1), seen);
    }
    return Object.values(f).some((x) => this.symbolic(x, seen));
  }

  private constCtx: Record<string, unknown> | null = null;
  /** The concrete context of the constants with every constant derived value computed. */
  private ctx(): Record<string, unknown> {
    if (this.constCtx) return this.constCtx;
    const ctx: Record<string, unknown> = { ...this.o.constants };
    for (const [k, f] of this.o.derived)
      if (!this.symbolic(f))
        try {
          ctx[k] = logic.apply(f as never, ctx);
        } catch {
          /* an error is the engine's (the region is not scored): leave it out */
        }
    this.constCtx = ctx;
    return ctx;
  }

  /** The value of a formula. */
  enc(f: unknown): Val {
    if (!this.symbolic(f)) {
      try {
        return { k: 'c', v: logic.apply(f as never, this.ctx()) };
      } catch {
        throw new Unsupported('a formula that fails');
      }
    }
    const op = operationOf(f as Record<string, unknown>);
    const raw = argsOf(f as Record<string, unknown>);
    const Z = this.Z;
    switch (op) {
      case 'var': {
        const name = raw[0] as string;
        const s = this.o.symbols.get(name);
        if (s) return s;
        let v = this.memo.get(name);
        if (!v) {
          v = this.enc(this.o.derived.get(name));
          this.memo.set(name, v);
        }
        return v;
      }
      case 'if':
      case '?:': {
        const conds: B[] = [];
        const vals: Val[] = [];
        let i = 0;
        for (; i < raw.length - 1; i += 2) {
          const c = this.enc(raw[i]);
          if (c.k === 'c') {
            if (truthyConst(c.v)) return this.enc(raw[i + 1]);
            continue;
          }
          conds.push(this.truthy(c));
          vals.push(this.enc(raw[i + 1]));
        }
        let out: Val = raw.length === i + 1 ? this.enc(raw[i]) : { k: 'c', v: null };
        for (let j = conds.length - 1; j >= 0; j--) out = this.ite(conds[j], vals[j], out);
        return out;
      }
      case 'and':
      case 'or': {
        const parts = raw.map((x) => this.enc(x));
        if (parts.every((x) => x.k === 'b' || (x.k === 'c' && typeof x.v === 'boolean'))) {
          const bs = parts.map((x) => this.truthy(x));
          return { k: 'b', e: op === 'and' ? Z.And(...bs) : Z.Or(...bs) };
        }
        throw new Unsupported(`${op} over non-boolean values`);
      }
      case '!':
        return { k: 'b', e: Z.Not(this.truthy(this.enc(raw[0]))) };
      case '!!':
        return { k: 'b', e: this.truthy(this.enc(raw[0])) };
      case '<':
      case '<=':
      case '>':
      case '>=': {
        const xs = raw.map((x) => this.number(this.enc(x), 'Number'));
        if (xs.length === 3 && (op === '<' || op === '<='))
          return {
            k: 'b',
            e: Z.And(this.less(xs[0], xs[1], op === '<'), this.less(xs[1], xs[2], op === '<')),
          };
        if (xs.length !== 2) throw new Unsupported(`${op} with ${xs.length} arguments`);
        const [a, b] = op === '<' || op === '<=' ? [xs[0], xs[1]] : [xs[1], xs[0]];
        return { k: 'b', e: this.less(a, b, op === '<' || op === '>') };
      }
      case '==':
      case '===':
      case '!=':
      case '!==': {
        const e = this.equal(this.enc(raw[0]), this.enc(raw[1]), op === '===' || op === '!==');
        return { k: 'b', e: op.startsWith('!') ? Z.Not(e) : e };
      }
      case 'in': {
        const list = raw[1];
        if (!Array.isArray(list) || list.some((x) => x !== null && typeof x === 'object'))
          throw new Unsupported('in over a computed list');
        const a = this.enc(raw[0]);
        return { k: 'b', e: Z.Or(...list.map((m) => this.equal(a, { k: 'c', v: m }, true))) };
      }
      case '+':
      case '*': {
        if (raw.length === 0) throw new Unsupported(op);
        let acc = this.number(this.enc(raw[0]), 'parseFloat');
        if (raw.length === 1) return acc;
        for (let i = 1; i < raw.length; i++) {
          const b = this.number(this.enc(raw[i]), 'parseFloat');
          // Constant operands before the symbolic ones fold as json-logic's left-to-right loop does.
          if (acc.k === 'c' && b.k === 'c')
            acc = {
              k: 'c',
              v: op === '+' ? (acc.v as number) + (b.v as number) : (acc.v as number) * (b.v as number),
            };
          else acc = op === '+' ? this.arith(acc, b, (x, y) => x.add(y)) : this.mul(acc, b);
        }
        return acc;
      }
      case '-': {
        if (raw.length === 1) {
          const a = this.number(this.enc(raw[0]), 'Number');
          return a.k === 'c'
            ? { k: 'c', v: -(a.v as number) }
            : { k: 'n', e: (a as NumV).e.neg(), ok: (a as NumV).ok };
        }
        return this.arith(
          this.number(this.enc(raw[0]), 'Number'),
          this.number(this.enc(raw[1]), 'Number'),
          (x, y) => x.sub(y),
        );
      }
      case '/':
        return this.div(this.number(this.enc(raw[0]), 'Number'), this.number(this.enc(raw[1]), 'Number'));
      case 'min':
      case 'max': {
        if (raw.length === 0) throw new Unsupported(op);
        const xs = raw.map((x) => this.asNum(this.number(this.enc(x), 'Number')));
        let acc = xs[0];
        for (const x of xs.slice(1)) {
          const pick = op === 'min' ? x.e.lt(acc.e) : x.e.gt(acc.e);
          acc = { k: 'n', e: Z.If(pick, x.e, acc.e) as A, ok: this.and(acc.ok, x.ok) };
        }
        return acc;
      }
      case 'clamp': {
        const [x, l, h] = [0, 1, 2].map((i) => this.asNum(this.number(this.enc(raw[i]), 'Number')));
        const lo = Z.If(x.e.lt(l.e), l.e, x.e) as A;
        return { k: 'n', e: Z.If(lo.gt(h.e), h.e, lo) as A, ok: this.and(this.and(x.ok, l.ok), h.ok) };
      }
      case 'interp': {
        const t = interpTable(raw[1]);
        if (!t) throw new Unsupported('interp with a computed table');
        const x = this.asNum(this.number(this.enc(raw[0]), 'Number'));
        const { xs, ys } = t;
        let out: A = this.num(ys[ys.length - 1]);
        for (let i = xs.length - 1; i >= 1; i--) {
          const seg = this.num(ys[i - 1]).add(
            x.e.sub(this.num(xs[i - 1])).mul(this.Z.Real.val(ratio(ys[i] - ys[i - 1], xs[i] - xs[i - 1]))),
          );
          const tol = 8 * U * (Math.abs(ys[i - 1]) + Math.abs(ys[i])) + TINY;
          out = Z.If(x.e.le(this.num(xs[i])), this.within(seg, tol), out) as A;
        }
        out = Z.If(x.e.le(this.num(xs[0])), this.num(ys[0]), out) as A;
        return { k: 'n', e: out, ok: x.ok };
      }
      case 'round': {
        const d = raw.length > 1 ? raw[1] : 0;
        if (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d > 15)
          throw new Unsupported('round digits');
        return this.round(this.asNum(this.number(this.enc(raw[0]), 'Number')), d);
      }
      default:
        throw new Unsupported(`operation ${op}`);
    }
  }

  /** JSON-logic truthiness of a value. */
  truthy(v: Val): B {
    const Z = this.Z;
    if (v.k === 'c') return Z.Bool.val(truthyConst(v.v));
    if (v.k === 'b') return v.e;
    if (v.k === 's') {
      const i = v.table.indexOf('');
      return i < 0 ? Z.Bool.val(true) : v.e.neq(i);
    }
    const t = v.e.neq(0);
    return v.ok ? (Z.If(v.ok, t, this.freshBool()) as B) : t;
  }

  /** Rounds half away from zero to `d` decimals: an integer multiple of 10^-d. */
  round(x: NumV, d: number): NumV {
    const Z = this.Z;
    const scale = Z.Real.val(10n ** BigInt(d));
    const k = Z.Int.const(`k!${this.n++}`);
    const r = Z.ToReal(k).div(scale) as A;
    if (this.o.mode === 'sound') {
      const half = Z.Real.val({ numerator: 1n, denominator: 2n * 10n ** BigInt(d) });
      const dist = Z.If(r.ge(x.e), r.sub(x.e), x.e.sub(r)) as A;
      const ax = Z.If(x.e.ge(0), x.e, x.e.neg()) as A;
      this.side.push(dist.le(half.add(ax.mul(this.Z.Real.val(exactRational(U)))).add(this.num(TINY))));
    } else {
      const y = x.e.mul(scale);
      const up = Z.ToInt(y.add(Z.Real.val({ numerator: 1n, denominator: 2n })));
      const down = Z.ToInt(y.neg().add(Z.Real.val({ numerator: 1n, denominator: 2n }))).neg();
      this.side.push(k.eq(Z.If(y.ge(0), up, down)));
    }
    return { k: 'n', e: r, ok: x.ok };
  }

  private ite(c: B, a: Val, b: Val): Val {
    const Z = this.Z;
    const isBool = (v: Val) => v.k === 'b' || (v.k === 'c' && typeof v.v === 'boolean');
    if (isBool(a) && isBool(b)) return { k: 'b', e: Z.If(c, this.truthy(a), this.truthy(b)) as B };
    const isNum = (v: Val) => v.k === 'n' || (v.k === 'c' && typeof v.v === 'number');
    if (isNum(a) && isNum(b)) {
      const x = this.asNum(a);
      const y = this.asNum(b);
      const ok = x.ok || y.ok ? (Z.If(c, x.ok ?? Z.Bool.val(true), y.ok ?? Z.Bool.val(true)) as B) : null;
      return { k: 'n', e: Z.If(c, x.e, y.e) as A, ok };
    }
    if (a.k === 'c' && b.k === 'c' && a.v === b.v) return a;
    throw new Unsupported('if with branches of different types');
  }

  private and(a: B | null, b: B | null): B | null {
    if (!a) return b;
    if (!b) return a;
    return this.Z.And(a, b);
  }

  /** A value as a number the way `Number(v)` or `parseFloat(v)` reads it. */
  number(v: Val, how: 'Number' | 'parseFloat'): Val {
    if (v.k === 'n') return v;
    if (v.k === 'c') return { k: 'c', v: how === 'Number' ? Number(v.v) : parseFloat(v.v as string) };
    if (v.k === 'b' && how === 'Number')
      return { k: 'n', e: this.Z.If(v.e, this.num(1), this.num(0)) as A, ok: null };
    throw new Unsupported(`${how} of a ${v.k === 'b' ? 'boolean' : 'string'}`);
  }

  /** A numeric value as a term (a constant NaN or ±Infinity is a number that is never "ok"). */
  asNum(v: Val): NumV {
    if (v.k === 'n') return v;
    if (v.k === 'c' && typeof v.v === 'number') {
      if (Number.isFinite(v.v)) return { k: 'n', e: this.num(v.v), ok: null, float: true };
      return { k: 'n', e: this.fresh('nan'), ok: this.Z.Bool.val(false) };
    }
    throw new Unsupported('a non-number in arithmetic');
  }

  /** In sound mode, a fresh value within a double's rounding error of `e` (and "ok" only when not huge). */
  private slack(e: A): A {
    if (this.o.mode !== 'sound') return e;
    const Z = this.Z;
    const z = this.fresh('fl');
    const ae = Z.If(e.ge(0), e, e.neg()) as A;
    const dist = Z.If(z.ge(e), z.sub(e), e.sub(z)) as A;
    this.side.push(dist.le(ae.mul(this.Z.Real.val(exactRational(U))).add(this.num(TINY))));
    return z;
  }

  /** In sound mode, a fresh value within `tol` of `e` (the float error of a short computation). */
  private within(e: A, tol: number): A {
    if (this.o.mode !== 'sound') return e;
    const z = this.fresh('fl');
    this.side.push(z.sub(e).le(this.num(tol)), e.sub(z).le(this.num(tol)));
    return z;
  }

  private bounded(e: A, ok: B | null): B | null {
    if (this.o.mode !== 'sound') return ok;
    return this.and(ok, this.Z.And(e.le(this.num(BIG)), e.ge(this.num(-BIG))));
  }

  private arith(a: Val, b: Val, f: (x: A, y: A) => A): Val {
    if (a.k === 'c' && b.k === 'c') throw new Unsupported('constant arithmetic'); // folded before
    const x = this.asNum(a);
    const y = this.asNum(b);
    const pre = f(x.e, y.e);
    const e = this.slack(pre);
    return { k: 'n', e, ok: this.bounded(e, this.and(x.ok, y.ok)), pre };
  }

  private mul(a: Val, b: Val): Val {
    return this.arith(a, b, (x, y) => x.mul(y));
  }

  private div(a: Val, b: Val): Val {
    const x = this.asNum(a);
    const y = this.asNum(b);
    const Z = this.Z;
    if (b.k === 'c' && (b.v as number) === 0) return { k: 'n', e: this.fresh('inf'), ok: Z.Bool.val(false) };
    const pre = x.e.div(y.e);
    const e = this.slack(pre);
    const nonZero = b.k === 'c' ? null : y.e.neq(0);
    return { k: 'n', e, ok: this.bounded(e, this.and(this.and(x.ok, y.ok), nonZero)), pre };
  }

  /** a < b (strict) or a ≤ b; a free choice where either is not a finite number. */
  private less(a: Val, b: Val, strict: boolean): B {
    const x = this.asNum(a);
    const y = this.asNum(b);
    const c = strict ? x.e.lt(y.e) : x.e.le(y.e);
    const ok = this.and(x.ok, y.ok);
    // Rounding to the nearest double is monotone and leaves a double as it is: a rounded result
    // stands to a double (an input, a literal) as its exact value does, non-strictly.
    if (this.o.mode === 'sound')
      for (const [r, f] of [
        [x, y],
        [y, x],
      ] as const)
        if (r.pre && f.float)
          this.side.push(
            this.Z.Implies(r.pre.ge(f.e), r.e.ge(f.e)),
            this.Z.Implies(r.pre.le(f.e), r.e.le(f.e)),
          );
    return ok ? (this.Z.If(ok, c, this.freshBool()) as B) : c;
  }

  private equal(a: Val, b: Val, strict: boolean): B {
    const Z = this.Z;
    if (a.k === 'c' && b.k !== 'c') return this.equal(b, a, strict);
    if (a.k === 's') {
      if (b.k === 'c' && typeof b.v === 'string') {
        const i = a.table.indexOf(b.v);
        return i < 0 ? Z.Bool.val(false) : a.e.eq(i);
      }
      if (b.k === 's' && b.table === a.table) return a.e.eq(b.e);
      if (strict) return Z.Bool.val(false);
      throw new Unsupported('loose equality of a string');
    }
    if (a.k === 'b') {
      if (b.k === 'b') return a.e.eq(b.e);
      if (b.k === 'c' && typeof b.v === 'boolean') return b.v ? a.e : Z.Not(a.e);
      if (strict) return Z.Bool.val(false);
      throw new Unsupported('loose equality of a boolean');
    }
    if (a.k === 'n') {
      if (b.k === 'n' || (b.k === 'c' && typeof b.v === 'number')) {
        const y = this.asNum(b);
        const ok = this.and(a.ok, y.ok);
        return ok ? (Z.If(ok, a.e.eq(y.e), this.freshBool()) as B) : a.e.eq(y.e);
      }
      if (strict) return Z.Bool.val(false);
      throw new Unsupported('loose equality of a number');
    }
    throw new Unsupported('equality');
  }
}

type NumV = Extract<Val, { k: 'n' }>;

function ratio(num: number, den: number): { numerator: bigint; denominator: bigint } {
  const a = exactRational(num);
  const b = exactRational(den);
  let n = a.numerator * b.denominator;
  let d = a.denominator * b.numerator;
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  return { numerator: n, denominator: d };
}

/** json-logic-js truthiness. */
export function truthyConst(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  return Boolean(v);
}

/**
 * Compiling JSON-logic formulas of our dialect into trees of closures: no `eval`, no
 * `new Function` (documents are user input), only closures built once per formula.
 *
 * A compiled formula gives exactly what json-logic-js 2.0.5's `apply` gives for the same formula
 * and data — the same coercions, truthiness (`[]` is false), loose `==`, `+` through `parseFloat`,
 * `var` defaults and dotted paths, `missing`/`missing_some`, multi-branch `if`, `and`/`or`
 * returning an operand, `*` returning a single operand unchanged, and the same native errors
 * (e.g. `{"*": []}` throws the TypeError that `reduce` throws). Every operand is evaluated before
 * the operation runs, as json-logic-js does, except in `if`, `?:`, `and` and `or`.
 *
 * Logic that only appears at run time — a key of `missing` or an option of `missing_some` that is
 * itself an array or object, which only data can bring — is applied by json-logic-js itself, the
 * reference, since it is not known when compiling.
 *
 * Two kinds of data: plain objects (as `jsonLogic.apply` takes them), or — in the compiled
 * evaluation pipeline — an array of slots, one per input and derived value, where a literal `var`
 * becomes an array read and anything dynamic falls back to an object view of the slots.
 *
 * @example
 * const f = compileLogic({ max: [0, { '-': [4, { '*': [0.5, { var: 'x' }] }] }] });
 * f({ x: 3 }) // 2.5, as jsonLogic.apply gives
 */
import { opClamp, opInterp, interpTable, interpAt, CUSTOM_OPERATIONS, logic } from '../logic/operations.ts';
import { fastRoundHalfAway } from './round.ts';
import {
  opCat,
  opIn,
  opLess,
  opLessEq,
  opMinus,
  opPlus,
  opSubstr,
  opTimes,
  pf,
  truthy,
  varLookup,
} from './ops.ts';

/** A compiled formula: data (or slots) in, the formula's value out. */
export type CompiledLogic = (env: any) => unknown;

/** Where variables live while a compiled formula runs. */
export interface Scope {
  /** The slot of a literal variable name, when the data is an array of slots. */
  slotOf?(name: string): number | undefined;
  /** The data as json-logic-js would see it (the object itself for plain data). */
  view(env: any): unknown;
}

/** Plain data: the environment is the data object. */
export const PLAIN_SCOPE: Scope = { view: (env) => env };

/** Refused at compile time: an operation outside our dialect. */
export class CompileError extends Error {
  readonly code = 'unknown_operation';
  constructor(readonly operation: string) {
    super(`Operation "${operation}" is not in the ecoscore dialect`);
    this.name = 'CompileError';
  }
}

/** A compiled node, with what its parent may exploit. */
interface Node {
  fn: CompiledLogic;
  /** Set when the node always gives this value (a literal, or an array of literals). */
  constant?: { value: unknown };
  /** The node always gives a boolean. */
  boolean?: boolean;
  /** A literal variable read from a slot, with its value when the slot is empty. */
  read?: { slot: number; nf: unknown };
}

/**
 * How a closure reads one of its operands: from a slot (k = 0) or a literal (k = 1) in place,
 * without calling the operand's own closure, or by calling it (k = 2).
 *
 * Every closure of an operation runs the same machine code, so a call to an operand's closure is
 * an indirect call to a target that varies from one use to the next; reading variables and
 * literals in place — through `read`, a plain function that is inlined — leaves calls only for
 * real subformulas.
 */
interface Operand {
  k: number;
  slot: number;
  /** The literal (k = 1), or the value of the variable when its slot is empty (k = 0). */
  value: unknown;
  fn: CompiledLogic;
}

function operand(n: Node): Operand {
  if (n.read) return { k: 0, slot: n.read.slot, value: n.read.nf, fn: n.fn };
  if (n.constant && !Array.isArray(n.constant.value))
    return { k: 1, slot: -1, value: n.constant.value, fn: n.fn };
  return { k: 2, slot: -1, value: undefined, fn: n.fn };
}

/** The value of an operand (see Operand). */
function read(env: any, o: Operand): unknown {
  const k = o.k;
  if (k === 0) {
    const v = env[o.slot];
    return v === undefined ? o.value : v;
  }
  if (k === 1) return o.value;
  return o.fn(env);
}

type OpCompiler = (args: Node[], scope: Scope) => Node;

/** json-logic-js's test for an operation object: exactly one key. */
function isLogic(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1;
}

/** A deep copy of the arrays of a literal (json-logic-js rebuilds arrays on every apply). */
function copyArrays(v: unknown): unknown {
  if (!Array.isArray(v)) return v;
  const out = new Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = copyArrays(v[i]);
  return out;
}

function constant(value: unknown): Node {
  if (Array.isArray(value)) return { fn: () => copyArrays(value), constant: { value } };
  return { fn: () => value, constant: { value } };
}

const isPrimitive = (v: unknown) => v === null || (typeof v !== 'object' && typeof v !== 'function');

/** Evaluates every operand, in order, into a fresh array. */
function evalAll(fns: CompiledLogic[]): (env: any) => unknown[] {
  const n = fns.length;
  switch (n) {
    case 0:
      return () => [];
    case 1: {
      const [a] = fns;
      return (env) => [a(env)];
    }
    case 2: {
      const [a, b] = fns;
      return (env) => [a(env), b(env)];
    }
    case 3: {
      const [a, b, c] = fns;
      return (env) => [a(env), b(env), c(env)];
    }
    default:
      return (env) => {
        const out = new Array(n);
        for (let i = 0; i < n; i++) out[i] = fns[i](env);
        return out;
      };
  }
}

/**
 * An operation that evaluates all its operands and applies `impl` to them. `two` is used when
 * there are exactly two operands (the common case), avoiding the array.
 */
function eager(
  args: Node[],
  impl: (v: unknown[]) => unknown,
  two?: (a: unknown, b: unknown) => unknown,
  flags: Partial<Node> = {},
): Node {
  const fns = args.map((a) => a.fn);
  if (two && fns.length === 2) {
    const [a, b] = fns;
    return { fn: (env) => two(a(env), b(env)), ...flags };
  }
  const all = evalAll(fns);
  return { fn: (env) => impl(all(env)), ...flags };
}

/** A binary comparison or arithmetic operator, with the operands' extras still evaluated. */
function binary(args: Node[], op: (a: any, b: any) => unknown, flags: Partial<Node> = {}): Node {
  return eager(args, (v) => op(v[0], v[1]), op, flags);
}

const bool = { boolean: true };

function compileIf(args: Node[]): Node {
  const n = args.length;
  const ops = args.map(operand);
  if (n === 3) {
    const [c, t, e] = ops;
    if (args[0].boolean) return { fn: (env) => (read(env, c) ? read(env, t) : read(env, e)) };
    return { fn: (env) => (truthy(read(env, c)) ? read(env, t) : read(env, e)) };
  }
  return {
    fn: (env) => {
      let i = 0;
      for (; i < n - 1; i += 2) if (truthy(read(env, ops[i]))) return read(env, ops[i + 1]);
      if (n === i + 1) return read(env, ops[i]);
      return null;
    },
  };
}

function compileAndOr(args: Node[], isAnd: boolean): Node {
  const ops = args.map(operand);
  const n = ops.length;
  if (isAnd)
    return {
      fn: (env) => {
        let current: unknown;
        for (let i = 0; i < n; i++) {
          current = read(env, ops[i]);
          if (!truthy(current)) return current;
        }
        return current;
      },
    };
  return {
    fn: (env) => {
      let current: unknown;
      for (let i = 0; i < n; i++) {
        current = read(env, ops[i]);
        if (truthy(current)) return current;
      }
      return current;
    },
  };
}

function compileVar(args: Node[], scope: Scope): Node {
  const name = args[0]?.constant?.value;
  // A dotted name is a path (json-logic-js), unless the scope has a slot of that name (`prev.KEY`).
  if (
    args.length <= 2 &&
    typeof name === 'string' &&
    name !== '' &&
    (!name.includes('.') || scope.slotOf?.(name) !== undefined)
  ) {
    const slot = scope.slotOf ? scope.slotOf(name) : undefined;
    const defNode = args[1];
    const defConst = defNode === undefined ? { value: undefined } : defNode.constant;
    if (defConst && !Array.isArray(defConst.value)) {
      const nf = defConst.value === undefined ? null : defConst.value;
      if (slot !== undefined)
        return {
          fn: (env) => {
            const v = env[slot];
            return v === undefined ? nf : v;
          },
          read: { slot, nf },
        };
      const view = scope.view;
      return {
        fn: (env) => {
          const data: any = view(env);
          if (data === null || data === undefined) return nf;
          const v = data[name];
          return v === undefined ? nf : v;
        },
      };
    }
    if (slot !== undefined) {
      const def = defNode.fn;
      return {
        fn: (env) => {
          const d = def(env);
          const v = env[slot];
          return v === undefined ? (d === undefined ? null : d) : v;
        },
      };
    }
  }
  const all = evalAll(args.map((a) => a.fn));
  const view = scope.view;
  return {
    fn: (env) => {
      const v = all(env);
      return varLookup(view(env), v[0], v[1]);
    },
  };
}

/** The value of `{"var": key}` for a key computed at run time (json-logic-js applies that object). */
function varOfKey(key: unknown, env: any, scope: Scope): unknown {
  if (isPrimitive(key)) {
    if (
      typeof key === 'string' &&
      scope.slotOf &&
      key !== '' &&
      (!key.includes('.') || scope.slotOf(key) !== undefined)
    ) {
      const slot = scope.slotOf(key);
      if (slot !== undefined) {
        const v = env[slot];
        return v === undefined ? null : v;
      }
    }
    return varLookup(scope.view(env), key, undefined);
  }
  return logic.apply({ var: key } as never, scope.view(env));
}

function missingOf(values: unknown[], env: any, scope: Scope): unknown[] {
  const missing: unknown[] = [];
  const keys = Array.isArray(values[0]) ? (values[0] as unknown[]) : values;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const value = varOfKey(key, env, scope);
    if (value === null || value === '') missing.push(key);
  }
  return missing;
}

function compileMissing(args: Node[], scope: Scope): Node {
  const all = evalAll(args.map((a) => a.fn));
  return { fn: (env) => missingOf(all(env), env, scope) };
}

function compileMissingSome(args: Node[], scope: Scope): Node {
  const all = evalAll(args.map((a) => a.fn));
  return {
    fn: (env) => {
      const v = all(env);
      const needCount: any = v[0];
      const options: any = v[1];
      let areMissing: unknown[];
      // json-logic-js applies {"missing": options}: the options are evaluated again as logic.
      if (Array.isArray(options) && options.every(isPrimitive)) areMissing = missingOf(options, env, scope);
      else if (isPrimitive(options)) areMissing = missingOf([options], env, scope);
      else areMissing = logic.apply({ missing: options } as never, scope.view(env)) as unknown[];
      if (options.length - areMissing.length >= needCount) return [];
      return areMissing;
    },
  };
}

function compilePlus(args: Node[]): Node {
  const fns = args.map((a) => a.fn);
  // json-logic-js reduces from 0 (`0 + parseFloat(a)`), so "-0" gives +0: keep the leading 0.
  if (fns.length === 1) {
    const a = operand(args[0]);
    return { fn: (env) => 0 + pf(read(env, a)) };
  }
  if (fns.length === 2) {
    const [a, b] = args.map(operand);
    return { fn: (env) => 0 + pf(read(env, a)) + pf(read(env, b)) };
  }
  const all = evalAll(fns);
  return { fn: (env) => opPlus(all(env)) };
}

function compileTimes(args: Node[]): Node {
  const fns = args.map((a) => a.fn);
  if (fns.length === 2) {
    const [a, b] = args.map(operand);
    const ca = args[0].constant?.value;
    if (typeof ca === 'number') {
      const k = pf(ca);
      return { fn: (env) => k * pf(read(env, b)) };
    }
    return { fn: (env) => pf(read(env, a)) * pf(read(env, b)) };
  }
  const all = evalAll(fns);
  return { fn: (env) => opTimes(all(env)) };
}

function compileMinus(args: Node[]): Node {
  const fns = args.map((a) => a.fn);
  if (fns.length === 2) {
    const [a, b] = args.map(operand);
    const cb = args[1].constant?.value;
    if (typeof cb === 'number') return { fn: (env) => (read(env, a) as number) - cb };
    return {
      fn: (env) => {
        const x: any = read(env, a);
        const y: any = read(env, b);
        return y === undefined ? -x : x - y;
      },
    };
  }
  if (fns.length === 1) {
    const a = operand(args[0]);
    return { fn: (env) => -(read(env, a) as any) };
  }
  const all = evalAll(fns);
  return {
    fn: (env) => {
      const v = all(env);
      return opMinus(v[0], v[1]);
    },
  };
}

function compileMaxMin(args: Node[], isMax: boolean): Node {
  const m = isMax ? Math.max : Math.min;
  const fns = args.map((a) => a.fn);
  if (fns.length === 2) {
    const [a, b] = args.map(operand);
    return {
      fn: isMax
        ? (env) => Math.max(read(env, a) as any, read(env, b) as any)
        : (env) => Math.min(read(env, a) as any, read(env, b) as any),
    };
  }
  const all = evalAll(fns);
  return { fn: (env) => m.apply(null, all(env) as number[]) };
}

function compileUnaryTruth(args: Node[], negate: boolean): Node {
  const fns = args.map((a) => a.fn);
  if (fns.length === 1) {
    const a = operand(args[0]);
    return { fn: negate ? (env) => !truthy(read(env, a)) : (env) => truthy(read(env, a)), boolean: true };
  }
  const all = evalAll(fns);
  return { fn: negate ? (env) => !truthy(all(env)[0]) : (env) => truthy(all(env)[0]), boolean: true };
}

function compileThreeWay(
  args: Node[],
  impl: (a: any, b: any, c: any) => boolean,
  two: (a: any, b: any) => boolean,
): Node {
  if (args.length === 2) return binary(args, two, bool);
  return eager(args, (v) => impl(v[0], v[1], v[2]), undefined, bool);
}

function compileRound(args: Node[]): Node {
  const fns = args.map((a) => a.fn);
  const digitsConst = args.length === 1 ? { value: 0 } : args.length === 2 ? args[1].constant : undefined;
  if (digitsConst && isPrimitive(digitsConst.value)) {
    const dv = digitsConst.value === undefined ? 0 : digitsConst.value;
    const d = Number(dv);
    const x = operand(args[0]);
    if (!Number.isInteger(d) || d < 0 || d > 15)
      return {
        fn: (env) => {
          const n = Number(read(env, x));
          return Number.isFinite(n) ? NaN : n;
        },
      };
    return {
      fn: (env) => {
        const n = Number(read(env, x));
        return Number.isFinite(n) ? fastRoundHalfAway(n, d) : n;
      },
    };
  }
  const all = evalAll(fns);
  return {
    fn: (env) => {
      const v = all(env);
      const n = Number(v[0]);
      const d = Number(v[1] === undefined ? 0 : v[1]);
      if (!Number.isFinite(n)) return n;
      if (!Number.isInteger(d) || d < 0 || d > 15) return NaN;
      return fastRoundHalfAway(n, d);
    },
  };
}

/**
 * `>`, `>=`, `<`, `<=` with two operands, one closure per operator (so that each comparison is
 * inlined where it runs) and a literal operand read once.
 */
function compileRelation(args: Node[], op: '>' | '>=' | '<' | '<='): Node {
  const [a, b] = args.map(operand);
  switch (op) {
    case '>':
      return { fn: (env) => (read(env, a) as number) > (read(env, b) as number), boolean: true };
    case '>=':
      return { fn: (env) => (read(env, a) as number) >= (read(env, b) as number), boolean: true };
    case '<':
      return { fn: (env) => (read(env, a) as number) < (read(env, b) as number), boolean: true };
    default:
      return { fn: (env) => (read(env, a) as number) <= (read(env, b) as number), boolean: true };
  }
}

/** `==`, `===`, `!=`, `!==` and `%` with two operands, one closure per operator. */
function compileBinary(args: Node[], op: '==' | '===' | '!=' | '!==' | '%'): Node {
  const [a, b] = args.map(operand);
  switch (op) {
    case '==':
      return { fn: (env) => read(env, a) == read(env, b), boolean: true };
    case '===':
      return { fn: (env) => read(env, a) === read(env, b), boolean: true };
    case '!=':
      return { fn: (env) => read(env, a) != read(env, b), boolean: true };
    case '!==':
      return { fn: (env) => read(env, a) !== read(env, b), boolean: true };
    default:
      return { fn: (env) => (read(env, a) as number) % (read(env, b) as number) };
  }
}

function compileDivide(args: Node[]): Node {
  if (args.length !== 2) return binary(args, (x, y) => x / y);
  const [a, b] = args.map(operand);
  return { fn: (env) => (read(env, a) as number) / (read(env, b) as number) };
}

/** `clamp` (opClamp): limits read once when they are literals, no operand array. */
function compileClamp(args: Node[]): Node {
  if (args.length !== 3) return eager(args, (v) => opClamp(v[0], v[1], v[2]));
  const [a, b, c] = args.map(operand);
  const lo = args[1].constant;
  const hi = args[2].constant;
  if (lo && hi && isPrimitive(lo.value) && isPrimitive(hi.value)) {
    const l = Number(lo.value);
    const h = Number(hi.value);
    if (Number.isNaN(l) || Number.isNaN(h))
      return {
        fn: (env) => {
          Number(read(env, a));
          return NaN;
        },
      };
    return {
      fn: (env) => {
        const n = Number(read(env, a));
        return n !== n ? NaN : Math.min(Math.max(n, l), h);
      },
    };
  }
  return { fn: (env) => opClamp(read(env, a), read(env, b), read(env, c)) };
}

/** `in` with a literal list: the list is built once and only read (json-logic-js rebuilds it). */
function compileIn(args: Node[]): Node {
  const list = args[1]?.constant?.value;
  if (args.length === 2 && Array.isArray(list)) {
    const x = operand(args[0]);
    return { fn: (env) => list.indexOf(read(env, x)) !== -1, boolean: true };
  }
  return binary(args, opIn, bool);
}

/** interp with literal points: the table is checked and parsed once. */
function compileInterp(args: Node[]): Node {
  const pts = args[1]?.constant?.value;
  if (args.length === 2 && Array.isArray(pts)) {
    const table = interpTable(pts);
    const x = operand(args[0]);
    if (table === null)
      return {
        fn: (env) => {
          Number(read(env, x));
          return NaN;
        },
      };
    return { fn: (env) => interpAt(table, Number(read(env, x))) };
  }
  return eager(
    args,
    (v) => opInterp(v[0], v[1]),
    (a, b) => opInterp(a, b),
  );
}

/**
 * The operation table of the compiler: one entry per operation of the dialect
 * (ALLOWED_OPERATIONS), each saying how to compile it and whether it is pure (depends only on its
 * operands, so that literal operands can be folded at compile time).
 */
export const COMPILERS: Record<string, { pure: boolean; compile: OpCompiler }> = {
  var: { pure: false, compile: compileVar },
  missing: { pure: false, compile: compileMissing },
  missing_some: { pure: false, compile: compileMissingSome },
  if: { pure: true, compile: compileIf },
  '?:': { pure: true, compile: compileIf },
  and: { pure: true, compile: (a) => compileAndOr(a, true) },
  or: { pure: true, compile: (a) => compileAndOr(a, false) },
  '==': {
    pure: true,
    compile: (a) => (a.length === 2 ? compileBinary(a, '==') : binary(a, (x, y) => x == y, bool)),
  },
  '===': {
    pure: true,
    compile: (a) => (a.length === 2 ? compileBinary(a, '===') : binary(a, (x, y) => x === y, bool)),
  },
  '!=': {
    pure: true,
    compile: (a) => (a.length === 2 ? compileBinary(a, '!=') : binary(a, (x, y) => x != y, bool)),
  },
  '!==': {
    pure: true,
    compile: (a) => (a.length === 2 ? compileBinary(a, '!==') : binary(a, (x, y) => x !== y, bool)),
  },
  '!': { pure: true, compile: (a) => compileUnaryTruth(a, true) },
  '!!': { pure: true, compile: (a) => compileUnaryTruth(a, false) },
  '>': {
    pure: true,
    compile: (a) => (a.length === 2 ? compileRelation(a, '>') : binary(a, (x, y) => x > y, bool)),
  },
  '>=': {
    pure: true,
    compile: (a) => (a.length === 2 ? compileRelation(a, '>=') : binary(a, (x, y) => x >= y, bool)),
  },
  '<': {
    pure: true,
    compile: (a) => (a.length === 2 ? compileRelation(a, '<') : compileThreeWay(a, opLess, (x, y) => x < y)),
  },
  '<=': {
    pure: true,
    compile: (a) =>
      a.length === 2 ? compileRelation(a, '<=') : compileThreeWay(a, opLessEq, (x, y) => x <= y),
  },
  max: { pure: true, compile: (a) => compileMaxMin(a, true) },
  min: { pure: true, compile: (a) => compileMaxMin(a, false) },
  '+': { pure: true, compile: compilePlus },
  '-': { pure: true, compile: compileMinus },
  '*': { pure: true, compile: compileTimes },
  '/': { pure: true, compile: compileDivide },
  '%': { pure: true, compile: (a) => (a.length === 2 ? compileBinary(a, '%') : binary(a, (x, y) => x % y)) },
  in: { pure: true, compile: compileIn },
  cat: { pure: true, compile: (a) => eager(a, opCat) },
  substr: { pure: true, compile: (a) => eager(a, (v) => opSubstr(v[0], v[1], v[2])) },
  round: { pure: true, compile: compileRound },
  clamp: { pure: true, compile: compileClamp },
  interp: { pure: true, compile: compileInterp },
};

// The custom operations compiled here are the ones the interpreter registers.
for (const name of Object.keys(CUSTOM_OPERATIONS))
  if (!(name in COMPILERS)) throw new Error(`no compiler for custom operation ${name}`);

function compileNode(logic: unknown, scope: Scope): Node {
  if (Array.isArray(logic)) {
    const parts = logic.map((l) => compileNode(l, scope));
    if (parts.every((p) => p.constant)) return constant(parts.map((p) => p.constant!.value));
    const fns = parts.map((p) => p.fn);
    return { fn: evalAll(fns) };
  }
  if (!isLogic(logic)) return constant(logic);
  const op = Object.keys(logic)[0];
  const entry = Object.prototype.hasOwnProperty.call(COMPILERS, op) ? COMPILERS[op] : undefined;
  if (!entry) throw new CompileError(op);
  const raw = logic[op];
  const values = Array.isArray(raw) ? raw : [raw];
  const args = values.map((v) => compileNode(v, scope));
  const node = entry.compile(args, scope);
  // Fold an operation on literals when its result is a primitive (never an array or object, which
  // json-logic-js would build afresh), and only when evaluating it does not throw.
  if (entry.pure && args.every((a) => a.constant)) {
    try {
      const value = node.fn(undefined);
      if (isPrimitive(value)) return { ...constant(value), boolean: node.boolean };
    } catch {
      // keep the run-time error
    }
  }
  return node;
}

/**
 * Compiles a formula of our dialect (throws CompileError for an operation outside it).
 *
 * @param scope where variables live; plain data objects by default
 */
export function compileLogic(logic: unknown, scope: Scope = PLAIN_SCOPE): CompiledLogic {
  return compileNode(logic, scope).fn;
}

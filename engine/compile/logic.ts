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
import { CUSTOM_OPERATIONS } from '../logic/operations.ts';
import { opLess, opLessEq, opCat, opSubstr } from './ops.ts';
import {
  CompileError,
  PLAIN_SCOPE,
  binary,
  bool,
  constant,
  eager,
  evalAll,
  isLogic,
  isPrimitive,
  type CompiledLogic,
  type Node,
  type OpCompiler,
  type Scope,
} from './logic-node.ts';
import { compileMissing, compileMissingSome, compileVar } from './logic-var.ts';
import {
  compileAndOr,
  compileBinary,
  compileClamp,
  compileDivide,
  compileIf,
  compileIn,
  compileInterp,
  compileMaxMin,
  compileMinus,
  compilePlus,
  compileRelation,
  compileRound,
  compileThreeWay,
  compileTimes,
  compileUnaryTruth,
} from './logic-ops.ts';

export { CompileError, PLAIN_SCOPE } from './logic-node.ts';
export type { CompiledLogic, Scope } from './logic-node.ts';

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

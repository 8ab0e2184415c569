/**
 * The building blocks of compiled formulas (logic.ts): compiled nodes with what their parents may
 * exploit (a constant value, a plain variable read, a boolean result), and the helpers that turn
 * operands into closures.
 */

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
export interface Node {
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
export interface Operand {
  k: number;
  slot: number;
  /** The literal (k = 1), or the value of the variable when its slot is empty (k = 0). */
  value: unknown;
  fn: CompiledLogic;
}

export function operand(n: Node): Operand {
  if (n.read) return { k: 0, slot: n.read.slot, value: n.read.nf, fn: n.fn };
  if (n.constant && !Array.isArray(n.constant.value))
    return { k: 1, slot: -1, value: n.constant.value, fn: n.fn };
  return { k: 2, slot: -1, value: undefined, fn: n.fn };
}

/** The value of an operand (see Operand). */
export function read(env: any, o: Operand): unknown {
  const k = o.k;
  if (k === 0) {
    const v = env[o.slot];
    return v === undefined ? o.value : v;
  }
  if (k === 1) return o.value;
  return o.fn(env);
}

export type OpCompiler = (args: Node[], scope: Scope) => Node;

/** json-logic-js's test for an operation object: exactly one key. */
export function isLogic(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1;
}

/** A deep copy of the arrays of a literal (json-logic-js rebuilds arrays on every apply). */
export function copyArrays(v: unknown): unknown {
  if (!Array.isArray(v)) return v;
  const out = new Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = copyArrays(v[i]);
  return out;
}

export function constant(value: unknown): Node {
  if (Array.isArray(value)) return { fn: () => copyArrays(value), constant: { value } };
  return { fn: () => value, constant: { value } };
}

export const isPrimitive = (v: unknown) => v === null || (typeof v !== 'object' && typeof v !== 'function');

/** Evaluates every operand, in order, into a fresh array. */
export function evalAll(fns: CompiledLogic[]): (env: any) => unknown[] {
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
export function eager(
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
export function binary(args: Node[], op: (a: any, b: any) => unknown, flags: Partial<Node> = {}): Node {
  return eager(args, (v) => op(v[0], v[1]), op, flags);
}

export const bool = { boolean: true };

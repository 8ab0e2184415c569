/** Compiling the operations other than reads: control flow, comparison, arithmetic and ours. */
import { opClamp, opInterp, interpTable, interpAt } from '../logic/operations.ts';
import { fastRoundHalfAway } from './round.ts';
import { opIn, opMinus, opPlus, opTimes, pf, truthy } from './ops.ts';
import { binary, bool, eager, evalAll, isPrimitive, operand, read, type Node } from './logic-node.ts';

export function compileIf(args: Node[]): Node {
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

export function compileAndOr(args: Node[], isAnd: boolean): Node {
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

export function compilePlus(args: Node[]): Node {
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

export function compileTimes(args: Node[]): Node {
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

export function compileMinus(args: Node[]): Node {
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

export function compileMaxMin(args: Node[], isMax: boolean): Node {
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

export function compileUnaryTruth(args: Node[], negate: boolean): Node {
  const fns = args.map((a) => a.fn);
  if (fns.length === 1) {
    const a = operand(args[0]);
    return { fn: negate ? (env) => !truthy(read(env, a)) : (env) => truthy(read(env, a)), boolean: true };
  }
  const all = evalAll(fns);
  return { fn: negate ? (env) => !truthy(all(env)[0]) : (env) => truthy(all(env)[0]), boolean: true };
}

export function compileThreeWay(
  args: Node[],
  impl: (a: any, b: any, c: any) => boolean,
  two: (a: any, b: any) => boolean,
): Node {
  if (args.length === 2) return binary(args, two, bool);
  return eager(args, (v) => impl(v[0], v[1], v[2]), undefined, bool);
}

export function compileRound(args: Node[]): Node {
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
export function compileRelation(args: Node[], op: '>' | '>=' | '<' | '<='): Node {
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
export function compileBinary(args: Node[], op: '==' | '===' | '!=' | '!==' | '%'): Node {
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

export function compileDivide(args: Node[]): Node {
  if (args.length !== 2) return binary(args, (x, y) => x / y);
  const [a, b] = args.map(operand);
  return { fn: (env) => (read(env, a) as number) / (read(env, b) as number) };
}

/** `clamp` (opClamp): limits read once when they are literals, no operand array. */
export function compileClamp(args: Node[]): Node {
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
export function compileIn(args: Node[]): Node {
  const list = args[1]?.constant?.value;
  if (args.length === 2 && Array.isArray(list)) {
    const x = operand(args[0]);
    return { fn: (env) => list.indexOf(read(env, x)) !== -1, boolean: true };
  }
  return binary(args, opIn, bool);
}

/** interp with literal points: the table is checked and parsed once. */
export function compileInterp(args: Node[]): Node {
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

/**
 * An exact decision for what intervals cannot see: comparisons between two inputs. Intervals refute
 * `a < b` and `a ≥ b` holding together only box by box, never on the diagonal a = b; as difference
 * constraints (x − y ≤ c, strict or not, with the box's bounds) the question is a negative cycle in
 * a small graph (Bellman–Ford), decided exactly. Only atoms the engine computes without arithmetic
 * are used (an input against an input or a literal), so float rounding cannot differ from the reals.
 */
import { argsOf, isOperation, operationOf } from '../logic/walk.ts';
import type { Box, Domain, VarRange } from './domain.ts';

/** x − y ≤ c (or < c when strict); '' is the zero node (a constant). */
interface Edge {
  x: string;
  y: string;
  c: number;
  strict: boolean;
}

type Term = { kind: 'var'; key: string } | { kind: 'const'; value: number };

function termOf(d: Domain, f: unknown): Term | null {
  if (typeof f === 'number' && Number.isFinite(f)) return { kind: 'const', value: f };
  if (!isOperation(f) || operationOf(f) !== 'var') return null;
  const args = argsOf(f);
  if (args.length !== 1 || typeof args[0] !== 'string') return null;
  const r = d.ranges.get(args[0]);
  if (!r || r.kind === 'set' || r.nul) return null;
  return { kind: 'var', key: args[0] };
}

/**
 * The difference constraints a condition implies when it must be `truth` (true: truthy). Parts
 * this method does not model imply nothing (sound: fewer constraints, never a wrong refutation).
 */
export function constraintsOf(d: Domain, f: unknown, truth: boolean, out: Edge[] = []): Edge[] {
  if (!isOperation(f)) return out;
  const op = operationOf(f);
  const args = argsOf(f);
  if (op === '!' && args.length === 1) return constraintsOf(d, args[0], !truth, out);
  if (op === '!!' && args.length === 1) return constraintsOf(d, args[0], truth, out);
  // A conjunction that must hold (or a disjunction that must fail) constrains every part. `and`
  // returns a value, but a truthy `and` has every argument truthy, a falsy `or` every one falsy.
  if ((op === 'and' && truth) || (op === 'or' && !truth)) {
    for (const a of args) constraintsOf(d, a, truth, out);
    return out;
  }
  if (args.length !== 2 || !['<', '<=', '>', '>=', '==', '==='].includes(op)) return out;
  let [l, r] = [termOf(d, args[0]), termOf(d, args[1])];
  if (!l || !r) return out;
  let o = op;
  if (o === '>' || o === '>=') {
    [l, r] = [r, l];
    o = o === '>' ? '<' : '<=';
  }
  // l < r, l <= r, l == r; negated: r <= l, r < l, (no constraint for l != r)
  const add = (a: Term, b: Term, strict: boolean) => {
    // a − b ≤ 0 (or < 0) as x − y ≤ c with constants moved to c
    const x = a.kind === 'var' ? a.key : '';
    const y = b.kind === 'var' ? b.key : '';
    const c = (b.kind === 'const' ? b.value : 0) - (a.kind === 'const' ? a.value : 0);
    if (x === y) {
      if (strict ? !(0 < c) : !(0 <= c)) out.push({ x: '', y: '', c: -1, strict: false }); // 0 ≤ −1: infeasible
      return;
    }
    out.push({ x, y, c, strict });
  };
  if (o === '==' || o === '===') {
    if (truth) {
      add(l, r, false);
      add(r, l, false);
    }
  } else if (truth) add(l, r, o === '<');
  else add(r, l, o === '<=');
  return out;
}

/** True when the constraints and the box's bounds have no real (or, for integers, integer) solution. */
export function infeasible(box: Box, d: Domain, edges: Edge[]): boolean {
  if (edges.length === 0) return false;
  const nodes = new Set<string>(['']);
  for (const e of edges) nodes.add(e.x).add(e.y);
  const range = (k: string): VarRange | undefined => box.get(k) ?? d.ranges.get(k);
  const all: Edge[] = [...edges];
  for (const k of nodes) {
    if (k === '') continue;
    const r = range(k);
    if (!r) return false;
    all.push({ x: k, y: '', c: r.hi, strict: false }); // k − 0 ≤ hi
    all.push({ x: '', y: k, c: -r.lo, strict: false }); // 0 − k ≤ −lo
  }
  const isInt = (k: string) => k === '' || range(k)?.kind === 'int';
  // Integers only: a strict bound becomes c − 1 after flooring (x − y < c ⇔ x − y ≤ ⌈c⌉ − 1).
  const norm = all.map((e) => {
    if (isInt(e.x) && isInt(e.y)) {
      const c = e.strict ? Math.ceil(e.c) - 1 : Math.floor(e.c);
      return { ...e, c, strict: false };
    }
    return e;
  });
  // Bellman–Ford on weights (c, strict) ordered lexicographically: x − y ≤ c is an edge y → x.
  // The sums are exact (doubles as integers times 2^-1074), so a cycle is never misjudged.
  type W = { c: bigint; s: number };
  const exactEdges = norm.map((e) => ({ ...e, c: exactOf(e.c) }));
  const dist = new Map<string, W>();
  for (const k of nodes) dist.set(k, { c: 0n, s: 0 });
  const less = (a: W, b: W) => a.c < b.c || (a.c === b.c && a.s < b.s);
  for (let i = 0; i <= nodes.size; i++) {
    let changed = false;
    for (const e of exactEdges) {
      const from = dist.get(e.y) as W;
      const cand = { c: from.c + e.c, s: from.s - (e.strict ? 1 : 0) };
      if (less(cand, dist.get(e.x) as W)) {
        if (i === nodes.size) return true; // still relaxing: a negative (or zero and strict) cycle
        dist.set(e.x, cand);
        changed = true;
      }
    }
    if (!changed) return false;
  }
  return false;
}

/** A finite double as the exact integer `x × 2^1074` (every double is a multiple of 2^-1074). */
export function exactOf(x: number): bigint {
  if (!Number.isFinite(x)) throw new RangeError('not a finite number');
  if (x === 0) return 0n;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const exponent = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let e = -1074;
  if (exponent !== 0) {
    mantissa |= 1n << 52n;
    e = exponent - 1075;
  }
  const scaled = mantissa << BigInt(e + 1074);
  return negative ? -scaled : scaled;
}

/**
 * The decision procedure: branch and bound over boxes of inputs. A box where the abstract
 * interpretation shows the property cannot hold is refuted; elsewhere points of the box are tried
 * concretely (first in the formula, then through the engine itself) and the box is split. The
 * answer is `found` (with an input set the engine confirmed), `none` (every box refuted: a proof
 * for all allowed inputs) or `unknown` (out of budget, or a box that cannot be split further).
 */
import { mulberry32 } from '../sensitivity/prng.ts';
import type { AbstractScope } from './interpret.ts';
import { abstractScope, concreteContext, rootScope, type Box, type Domain, type VarRange } from './domain.ts';

export interface Query {
  /** The inputs the property depends on (all others keep their base values). */
  vars: string[];
  /** Whether the property may hold somewhere in the box (false = proven not to). */
  abs(scope: AbstractScope): boolean;
  /** The property at one point, evaluated on the formula (cheap; absent: straight to `replay`). */
  fast?(ctx: Record<string, unknown>): boolean;
  /** The property at one point, confirmed by the engine. */
  replay(values: Record<string, unknown>): boolean;
  /** An exact refutation of a box the intervals cannot refute (e.g. relations.ts), if any. */
  refute?(box: Box): boolean;
}

export type Outcome =
  | { kind: 'found'; values: Record<string, unknown> }
  | { kind: 'none' }
  | { kind: 'unknown'; reason: 'budget' | 'undecided' };

export interface SearchOptions {
  /** A complete input set the engine scores; the query's vars are varied from it. */
  base: Record<string, unknown>;
  maxBoxes: number;
  /** `performance.now()` time after which the search gives up. */
  deadline: number;
  /** Called with the scope of each refuted box (e.g. to collect bounds). */
  onRefuted?: (scope: AbstractScope) => void;
  /** Try concrete points (false: bounds only, no witnesses). */
  witnesses?: boolean;
  /** The ranges of the inputs outside `vars` (default: their whole declared ranges). */
  fixed?: Box;
  /** Points of the query's vars to try first (in the whole box). */
  hints?: Record<string, unknown>[];
  /** A preferred split point of a numeric range (used when strictly inside it). */
  splitAt?: (key: string, r: VarRange) => number | undefined;
}

interface Node {
  box: Box;
  splits: Map<string, number>;
}

/** Searches for an allowed input set where the query's property holds. */
export function exists(d: Domain, q: Query, opts: SearchOptions): Outcome {
  const root: Box = new Map();
  for (const v of q.vars) root.set(v, d.ranges.get(v) as VarRange);
  const stack: Node[] = [{ box: root, splits: new Map() }];
  const rng = mulberry32(q.vars.join(',').length * 7919 + q.vars.length);
  let boxes = 0;
  let undecided = false;
  const witnesses = opts.witnesses !== false;
  while (stack.length > 0) {
    if (boxes >= opts.maxBoxes || performance.now() > opts.deadline)
      return { kind: 'unknown', reason: 'budget' };
    boxes++;
    const node = stack.pop() as Node;
    const scope = boxes === 1 && !opts.fixed ? rootScope(d) : abstractScope(d, node.box, opts.fixed);
    if (!q.abs(scope) || q.refute?.(node.box)) {
      opts.onRefuted?.(scope);
      continue;
    }
    if (witnesses)
      for (const pt of boxes === 1
        ? [...(opts.hints ?? []), ...candidates(d, node.box, rng)]
        : candidates(d, node.box, rng)) {
        const values = { ...opts.base, ...pt };
        const ctx = q.fast ? concreteContext(d, values) : null;
        if ((!q.fast || (ctx && q.fast(ctx))) && q.replay(values))
          return { kind: 'found', values: clean(values) };
      }
    if (!witnesses) return { kind: 'unknown', reason: 'undecided' };
    const kids = split(d, node, opts.splitAt);
    if (!kids) undecided = true;
    else for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
  return undecided ? { kind: 'unknown', reason: 'undecided' } : { kind: 'none' };
}

function clean(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined) out[k] = v;
  return out;
}

/** A "round" value inside a range: the midpoint, or a power of ten for huge ranges. */
export function pivot(r: VarRange): number {
  let m: number;
  if (r.hi / 2 - r.lo / 2 <= 5e5) m = r.lo / 2 + r.hi / 2;
  else if (r.lo >= 0) m = r.lo === 0 ? 1000 : r.lo * 1000;
  else if (r.hi <= 0) m = r.hi === 0 ? -1000 : r.hi * 1000;
  else m = 0;
  if (!(m >= r.lo && m <= r.hi)) m = r.lo / 2 + r.hi / 2;
  if (r.kind === 'int') m = Math.min(r.hi, Math.max(r.lo, Math.floor(m)));
  return m;
}

function canSplit(r: VarRange): boolean {
  if (r.nul && r.some) return true;
  if (!r.some) return false;
  if (r.kind === 'set') return !r.free && r.values.length > 1;
  if (r.kind === 'int') return r.lo < r.hi;
  return r.hi - r.lo > 1e-9 * Math.max(1, Math.abs(r.lo), Math.abs(r.hi));
}

/** Splits a box in two along the variable split least often so far (absent/present first). */
export function split(d: Domain, node: Node, at?: SearchOptions['splitAt']): Node[] | null {
  let best: string | null = null;
  let bestScore = Infinity;
  for (const [k, r] of node.box) {
    if (!canSplit(r)) continue;
    const priority = r.nul && r.some ? -2 : r.kind === 'set' ? -1 : 0;
    const score = priority * 1e6 + (node.splits.get(k) ?? 0);
    if (score < bestScore) {
      bestScore = score;
      best = k;
    }
  }
  if (best === null) return null;
  const r = node.box.get(best) as VarRange;
  const halves: VarRange[] = [];
  if (r.nul && r.some) halves.push({ ...r, nul: false }, { ...r, some: false });
  else if (r.kind === 'set') {
    const h = Math.ceil(r.values.length / 2);
    halves.push({ ...r, values: r.values.slice(0, h) }, { ...r, values: r.values.slice(h) });
  } else {
    const want = at?.(best, r);
    const inside =
      want !== undefined && want > r.lo && want < r.hi && (r.kind === 'real' || Number.isInteger(want));
    const m = inside ? want : splitPoint(d, best, r);
    if (r.kind === 'int') halves.push({ ...r, hi: m }, { ...r, lo: m + 1 });
    else halves.push({ ...r, hi: m }, { ...r, lo: m });
  }
  return halves.map((h) => {
    const box = new Map(node.box);
    box.set(best as string, h);
    const splits = new Map(node.splits);
    splits.set(best as string, (splits.get(best as string) ?? 0) + 1);
    return { box, splits };
  });
}

/** Where to split: a constant of the document inside the range when there is one, else the pivot. */
function splitPoint(d: Domain, key: string, r: VarRange): number {
  const p = pivot(r);
  let best = p;
  let dist = Infinity;
  for (const c of d.constantsByVar.get(key) ?? []) {
    const ok = r.kind === 'int' ? c >= r.lo && c < r.hi : c > r.lo && c < r.hi;
    if (ok && Math.abs(c - p) < dist) {
      dist = Math.abs(c - p);
      best = r.kind === 'int' ? Math.floor(c) : c;
    }
  }
  if (r.kind === 'int' && best >= r.hi) best = r.hi - 1;
  if (r.kind === 'real' && !(best > r.lo && best < r.hi)) best = r.lo / 2 + r.hi / 2;
  return best;
}

/** Points of a box to try: its pivot, its corners, document constants and a few random points. */
function candidates(d: Domain, box: Box, rng: () => number): Record<string, unknown>[] {
  const pick = (r: VarRange, how: 'mid' | 'lo' | 'hi' | 'rand'): unknown => {
    if (!r.some) return undefined;
    if (r.kind === 'set') {
      const i =
        how === 'lo'
          ? 0
          : how === 'hi'
            ? r.values.length - 1
            : how === 'mid'
              ? r.values.length >> 1
              : Math.floor(rng() * r.values.length);
      return r.values[i];
    }
    if (how === 'mid') return pivot(r);
    if (how === 'lo') return r.lo;
    if (how === 'hi') return r.hi;
    const span = Math.min(r.hi, pivot(r) * 2 + 10) - r.lo;
    const x = r.lo + rng() * Math.max(0, span);
    return r.kind === 'int' ? Math.min(r.hi, Math.max(r.lo, Math.round(x))) : Math.min(r.hi, x);
  };
  const out: Record<string, unknown>[] = [];
  for (const how of ['mid', 'lo', 'hi', 'rand', 'rand'] as const) {
    const pt: Record<string, unknown> = {};
    for (const [k, r] of box) pt[k] = pick(r, how);
    out.push(pt);
  }
  // Each constant of the document inside a variable's range, the others at their pivot.
  for (const [k, r] of box) {
    if (r.kind === 'set' || !r.some) continue;
    for (const c of d.constantsByVar.get(k) ?? []) {
      for (const x of [c, c + 1, c - 1]) {
        if (x < r.lo || x > r.hi || (r.kind === 'int' && !Number.isInteger(x))) continue;
        out.push({ ...out[0], [k]: x });
      }
    }
  }
  if (box.size > 1) {
    // Pairs of variables equal to each other (targets against actual values).
    const nums = [...box].filter(([, r]) => r.kind !== 'set' && r.some);
    for (let i = 0; i + 1 < nums.length && out.length < 40; i++) {
      const [a, ra] = nums[i];
      const [b, rb] = nums[i + 1];
      const v = pivot(ra);
      if (v >= rb.lo && v <= rb.hi) out.push({ ...out[0], [a]: v, [b]: v });
    }
  }
  return out;
}

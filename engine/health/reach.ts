/**
 * Which sets of a region's `actual` inputs can, changed together, bring it to a grade — decided by
 * the bound analysis, without a solver (the fewest-changes half of 整改路径).
 *
 * Two sound filters over the float semantics of the engine. First, a cheap necessary condition per
 * set S: the points each item could gain with its inputs in S free (interval analysis, others at
 * the region's values), added up, must reach the total the grade needs once the downgrades no input
 * of S reads keep firing; a veto or a cap below the grade that no input of S reads rules S out.
 * Sets passing it are enumerated depth-first with the same bound as pruning. Second, for each such
 * set, the branch and bound of search.ts over S's box, with the region's whole scoring abstracted
 * (items, categories with `applies`, the capped bonus, grades, downgrades, caps, vetoes): `none` is
 * a proof that no change of S reaches the grade, `found` a witness scored by the engine.
 */
import type { RegionResult } from '../types.ts';
import type { PreparedDocument } from '../evaluate/prepare.ts';
import { roundHalfAway } from '../numeric/round.ts';
import { truthiness } from './abstract.ts';
import { evalIn, type AbstractScope } from './interpret.ts';
import { abstractScope, inputReads, type Box, type Domain, type VarRange } from './domain.ts';
import { exists, type Outcome, type Query } from './search.ts';
import { quickScore } from './optimise.ts';

export interface ReachSetup {
  p: PreparedDocument;
  d: Domain;
  /** The region's result as it stands. */
  r0: RegionResult;
  /** The grade to reach (index into p.grades; 0 = best). */
  toIdx: number;
  /** Every input's value in the region (undefined when absent). */
  current: Record<string, unknown>;
  /** The inputs a path may change (actual-role, present in the region). */
  changeable: string[];
}

type Cond = {
  kind: 'veto' | 'downgrade' | 'cap';
  when: unknown;
  levels: number;
  gi: number;
  reads: Set<string>;
};

interface Prepared {
  /** Per item (and bonus item): the inputs of `changeable` it reads, and its gain bound. */
  units: { reads: Set<string>; gain: number }[];
  /** The conditions that fire now. */
  firing: Cond[];
  need: (shift: number) => number;
  /** Whether a firing condition may stop firing with the inputs of `free` changed (interval analysis). */
  mayLift: (c: Cond, free: ReadonlySet<string>) => boolean;
}

/** A point range: the value an input keeps. */
function pointRange(r: VarRange, v: unknown): VarRange {
  if (v === undefined || v === null) return { ...r, nul: true, some: false };
  if (typeof v === 'number' && r.kind !== 'set') return { ...r, lo: v, hi: v, nul: false, some: true };
  return { kind: 'set', lo: 0, hi: 0, values: [v], nul: false, some: true };
}

/** The box of every input at the region's value. */
export function fixedBox(s: ReachSetup): Box {
  const box: Box = new Map();
  for (const [k, r] of s.d.ranges) box.set(k, pointRange(r, s.current[k]));
  return box;
}

function prepare(s: ReachSetup, fixed: Box): Prepared {
  const { p, d, r0, toIdx } = s;
  const set = new Set(s.changeable);
  const readsOf = (f: unknown) => new Set(inputReads(d, f).filter((k) => set.has(k)));
  const units: Prepared['units'] = [];
  const digits = p.precision;
  const cur = new Map<string, number>();
  for (const c of r0.categories) for (const it of c.items) cur.set(it.id, it.points ?? it.maxPoints);
  const applicable = new Map<string, boolean>();
  for (const c of r0.categories) for (const it of c.items) applicable.set(it.id, it.points !== null);
  const unit = 10 ** -digits;
  for (const c of p.doc.categories) {
    const rescale = (c.notApplicable ?? 'full') !== 'full';
    const moving = c.items.some((it) => it.applies !== undefined && readsOf(it.applies).size > 0);
    if (rescale && moving) {
      // Applicability that a change may alter, rescaled: the category as one unit (at most its maxPoints).
      const reads = new Set<string>();
      for (const it of c.items) {
        for (const k of readsOf(it.logic)) reads.add(k);
        if (it.applies !== undefined) for (const k of readsOf(it.applies)) reads.add(k);
      }
      const now = r0.categories.find((x) => x.id === c.id)?.points ?? 0;
      const top = Math.max(
        c.maxPoints,
        c.items.reduce((sum, it) => sum + it.maxPoints, 0),
      );
      units.push({ reads, gain: Math.max(0, top - now) });
      continue;
    }
    // Applicability fixed (or counted as maxPoints when it may change: `full`); a rescaled category
    // scales its applicable items' gains by maxPoints / M, plus one unit for its own rounding.
    let factor = 1;
    if (rescale && c.items.some((it) => applicable.get(it.id) === false)) {
      const M = c.items.reduce((sum, it) => sum + (applicable.get(it.id) === false ? 0 : it.maxPoints), 0);
      factor = M > 0 ? c.maxPoints / M : 0;
    }
    const all = new Set<string>();
    for (const it of c.items) {
      if (rescale && applicable.get(it.id) === false) continue;
      const reads = readsOf(it.logic);
      if (it.applies !== undefined) for (const k of readsOf(it.applies)) reads.add(k);
      if (reads.size === 0) continue;
      for (const k of reads) all.add(k);
      const box: Box = new Map();
      for (const k of reads) box.set(k, d.ranges.get(k) as VarRange);
      const hi = itemHi(it, abstractScope(d, box, fixed), digits);
      units.push({ reads, gain: Math.max(0, hi - (cur.get(it.id) ?? 0)) * factor * (1 + 1e-12) });
    }
    if (factor !== 1 && all.size > 0) units.push({ reads: all, gain: unit });
  }
  const bonusItems = p.doc.bonus?.items ?? [];
  if (bonusItems.length > 0) {
    const reads = new Set<string>();
    for (const b of bonusItems) for (const k of readsOf(b.logic)) reads.add(k);
    if (reads.size > 0) units.push({ reads, gain: Math.max(0, p.bonusCap - r0.bonus) });
  }
  const firing: Cond[] = [];
  const add = (
    kind: Cond['kind'],
    list: { id: string; when: unknown }[],
    on: string[],
    lv: (x: never) => number,
    gi: (x: never) => number,
  ) => {
    for (const x of list)
      if (on.includes(x.id))
        firing.push({
          kind,
          when: x.when,
          levels: lv(x as never),
          gi: gi(x as never),
          reads: readsOf(x.when),
        });
  };
  add(
    'veto',
    p.doc.vetoes ?? [],
    r0.vetoes,
    () => 0,
    () => p.grades.length - 1,
  );
  add(
    'downgrade',
    p.doc.downgrades ?? [],
    r0.downgrades,
    (x: { levels?: number }) => x.levels ?? 1,
    () => 0,
  );
  add(
    'cap',
    p.doc.caps ?? [],
    r0.caps,
    () => 0,
    (x: { maxGrade: string }) => p.gradeIndex.get(x.maxGrade) ?? 0,
  );
  const need = (shift: number) => (toIdx - shift < 0 ? Infinity : p.grades[toIdx - shift].min);
  const lifts = new Map<string, boolean>();
  const mayLift = (c: Cond, free: ReadonlySet<string>) => {
    const keys = [...c.reads].filter((k) => free.has(k));
    if (keys.length === 0) return false;
    const memo = `${firing.indexOf(c)}:${keys.join(',')}`;
    let v = lifts.get(memo);
    if (v === undefined) {
      const box: Box = new Map(keys.map((k) => [k, d.ranges.get(k) as VarRange]));
      v = truthiness(evalIn(c.when, abstractScope(d, box, fixed))).canF;
      lifts.set(memo, v);
    }
    return v;
  };
  return { units, firing, need, mayLift };
}

/** The highest points an item can get in a scope (its maxPoints where it may not apply). */
function itemHi(
  it: { logic: unknown; applies?: unknown; maxPoints: number },
  scope: AbstractScope,
  digits: number,
): number {
  if (it.applies !== undefined && truthiness(evalIn(it.applies, scope)).canF) return it.maxPoints;
  const av = evalIn(it.logic, scope);
  if (!av.num) return it.maxPoints;
  return roundHalfAway(Math.min(Math.max(av.hi, 0), it.maxPoints), digits);
}

/**
 * The necessary condition: the gains of the units the inputs of `gainSet` touch (plus `extra`) reach
 * the total the grade needs after the downgrades that cannot stop firing with `liftSet` changed, and
 * no veto or cap that cannot stop firing holds the region. For a set S: passes(S, 0, S); for a
 * partial set C completed from `rest`: passes(C, the best remaining gains, C ∪ rest) — an upper
 * bound of every completion (each input's units counted in full).
 */
function passes(
  s: ReachSetup,
  pr: Prepared,
  gainSet: ReadonlySet<string>,
  extra: number,
  liftSet: ReadonlySet<string>,
): boolean {
  let shift = 0;
  for (const c of pr.firing) {
    if (pr.mayLift(c, liftSet)) continue;
    if (c.kind === 'veto' && s.toIdx < s.p.grades.length - 1) return false;
    if (c.kind === 'cap' && c.gi > s.toIdx) return false;
    if (c.kind === 'downgrade') shift = s.p.stacking === 'sum' ? shift + c.levels : Math.max(shift, c.levels);
  }
  let gain = extra;
  for (const u of pr.units) if ([...u.reads].some((k) => gainSet.has(k))) gain += u.gain;
  const total = s.r0.total + gain;
  return total + 1e-9 * (1 + Math.abs(total)) >= pr.need(shift);
}

/** The sets of exactly k changeable inputs that pass the necessary condition, in a stable order. */
export function* passingSets(s: ReachSetup, k: number, pr = prepare(s, fixedBox(s))): Generator<string[]> {
  const xs = s.changeable;
  // Optimistic bound of a partial set: every remaining input's gain, best k − |C| of them.
  const gainOf = new Map(
    xs.map((x) => [x, pr.units.filter((u) => u.reads.has(x)).reduce((a, u) => a + u.gain, 0)]),
  );
  const chosen: string[] = [];
  function* walk(i: number): Generator<string[]> {
    if (chosen.length === k) {
      const S = new Set(chosen);
      if (passes(s, pr, S, 0, S)) yield [...chosen];
      return;
    }
    if (xs.length - i < k - chosen.length) return;
    // Prune: even the best remaining inputs added cannot pass.
    const rest = xs.slice(i);
    const best = rest
      .map((x) => gainOf.get(x) ?? 0)
      .sort((a, b) => b - a)
      .slice(0, k - chosen.length)
      .reduce((a, g) => a + g, 0);
    if (!passes(s, pr, new Set(chosen), best, new Set([...chosen, ...rest]))) return;
    chosen.push(xs[i]);
    yield* walk(i + 1);
    chosen.pop();
    yield* walk(i + 1);
  }
  yield* walk(0);
}

/** The query "changing only S reaches the grade", for the branch and bound of search.ts. */
export function reachQuery(s: ReachSetup, S: string[]): Query {
  const { p, d, r0, toIdx } = s;
  const digits = p.precision;
  const last = p.grades.length - 1;
  const reaches = (r: RegionResult | null) => r !== null && (p.gradeIndex.get(r.grade) as number) <= toIdx;
  const inS = new Set(S);
  const reads = (f: unknown) => f !== undefined && inputReads(d, f).some((k) => inS.has(k));
  // What reads no input of S keeps the region's own value (points, categories, conditions).
  const still = new Map<string, number>();
  for (const c of r0.categories) still.set(c.id, c.points);
  const moving = p.doc.categories.filter((c) => c.items.some((it) => reads(it.logic) || reads(it.applies)));
  const fixedBase = p.doc.categories.reduce(
    (sum, c) => sum + (moving.includes(c) ? 0 : (still.get(c.id) ?? 0)),
    0,
  );
  const bonusMoves = (p.doc.bonus?.items ?? []).some((b) => reads(b.logic));
  const conds = <T extends { id: string; when: unknown }>(list: T[] | undefined, on: string[]) =>
    (list ?? []).map((x) => ({ x, moves: reads(x.when), on: on.includes(x.id) }));
  const vetoes = conds(p.doc.vetoes, r0.vetoes);
  const caps = conds(p.doc.caps, r0.caps);
  const downs = conds(p.doc.downgrades, r0.downgrades);
  const unit = 10 ** -digits;
  return {
    vars: S,
    abs: (scope) => {
      let base = fixedBase;
      for (const c of moving) {
        let sum = 0;
        let unsure = false;
        let na = 0;
        let M = 0;
        for (const it of c.items) {
          if (it.applies !== undefined) {
            const t = truthiness(evalIn(it.applies, scope));
            if (t.canT && t.canF) unsure = true;
            if (!t.canT) {
              na += it.maxPoints;
              continue;
            }
          }
          M += it.maxPoints;
          const av = evalIn(it.logic, scope);
          sum += av.num ? roundHalfAway(Math.min(Math.max(av.hi, 0), it.maxPoints), digits) : it.maxPoints;
        }
        const all = c.items.reduce((a, it) => a + it.maxPoints, 0);
        if (unsure) base += Math.max(sum + na, c.maxPoints, all);
        else if (na === 0) base += sum;
        else if ((c.notApplicable ?? 'full') === 'full') base += sum + na;
        else base += M === 0 ? c.maxPoints : (sum * c.maxPoints) / M + unit;
      }
      let bonus = bonusMoves ? 0 : r0.bonusUncapped;
      if (bonusMoves)
        for (const b of p.doc.bonus?.items ?? []) {
          const av = evalIn(b.logic, scope);
          bonus += av.num ? roundHalfAway(Math.max(0, av.hi), digits) : Infinity;
        }
      const total = base + Math.min(bonus, p.bonusCap);
      const hi = total + 1e-9 * (1 + Math.abs(total));
      let g = p.grades.findIndex((x) => x.min <= hi);
      if (g < 0) g = last;
      const must = (c: { x: { when: unknown }; moves: boolean; on: boolean }) =>
        c.moves ? !truthiness(evalIn(c.x.when, scope)).canF : c.on;
      if (toIdx < last && vetoes.some(must)) return false;
      for (const c of caps) if (must(c) && (p.gradeIndex.get(c.x.maxGrade) ?? 0) > toIdx) return false;
      let shift = 0;
      for (const c of downs)
        if (must(c))
          shift = p.stacking === 'sum' ? shift + (c.x.levels ?? 1) : Math.max(shift, c.x.levels ?? 1);
      return Math.min(last, g + shift) <= toIdx;
    },
    replay: (values) => reaches(quickScore(p, values)),
  };
}

export interface FewestChanges {
  /** The fewest inputs changed (up to the bound asked), when decided. */
  k: number | null;
  /** Sets of k inputs that reach the grade, each with a witness the engine scored. */
  sets: { set: string[]; values: Record<string, unknown> }[];
  /** Sets the search could not decide (then `k` is null). */
  undecided: string[][];
}

/**
 * The fewest changed inputs (at most `kMax`) that reach the grade: for k = 1, 2, …, every set of k
 * inputs passing the necessary condition is searched; the first k with a set that reaches is the
 * answer, with all its reaching sets. `k: null` when an undecided set (or the deadline) stops it, or
 * when no set up to `kMax` reaches (then `undecided` is empty).
 */
export async function fewestChanges(
  s: ReachSetup,
  kMax: number,
  deadline: number,
  decide?: (set: string[]) => Promise<Outcome>,
  known: { set: string[]; values: Record<string, unknown> }[] = [],
): Promise<FewestChanges> {
  const fixed = fixedBox(s);
  const pr = prepare(s, fixed);
  const base: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s.current)) if (v !== undefined) base[k] = v;
  const undecided: string[][] = [];
  for (let k = 1; k <= Math.min(kMax, s.changeable.length); k++) {
    const sets: FewestChanges['sets'] = [];
    for (const set of passingSets(s, k, pr)) {
      if (performance.now() > deadline) return { k: null, sets: [], undecided: [set] };
      const hint = known.find((x) => x.set.length === set.length && x.set.every((k) => set.includes(k)));
      let o: Outcome = hint
        ? { kind: 'found', values: hint.values }
        : exists(s.d, reachQuery(s, set), {
            base,
            fixed,
            deadline,
            maxBoxes: 400,
            witnesses: true,
            hints: [extremes(s, set, base)],
          });
      if (o.kind === 'unknown' && decide) o = await decide(set);
      if (o.kind === 'found') sets.push({ set, values: o.values });
      else if (o.kind === 'unknown') undecided.push(set);
    }
    if (undecided.length > 0) return { k: null, sets: [], undecided };
    if (sets.length > 0) return { k, sets, undecided };
  }
  return { k: null, sets: [], undecided };
}

export interface Cheapest {
  values: Record<string, unknown>;
  cost: number;
  /** No change of the set reaches the grade for less than `cost` × (1 − 1e-6) (branch and bound). */
  proven: boolean;
}

/** The relative tolerance of `cheapest`'s proof. */
export const COST_TOLERANCE = 1e-6;

/**
 * The smallest change of the inputs of `set` (the sum of each change relative to `width`, a changed
 * choice counting 1) that reaches the grade, from a witness: each input moved back toward its value
 * as far as the engine still reaches (bisection, twice over), then a proof by branch and bound that
 * nothing cheaper by more than COST_TOLERANCE reaches (a cheaper witness found restarts it). With a
 * `ceiling` (the cost of another set's answer), the proof is only that nothing cheaper than both
 * reaches: `proven` then says this set cannot beat the other.
 */
export function cheapest(
  s: ReachSetup,
  set: string[],
  witness: Record<string, unknown>,
  width: (key: string) => number,
  deadline: number,
  ceiling = Infinity,
): Cheapest {
  const { p, toIdx, current } = s;
  const reaches = (v: Record<string, unknown>) => {
    const r = quickScore(p, v);
    return r !== null && (p.gradeIndex.get(r.grade) as number) <= toIdx;
  };
  const costOf = (v: Record<string, unknown>) =>
    set.reduce((sum, k) => {
      const a = current[k];
      const b = v[k];
      if (Object.is(a, b)) return sum;
      return sum + (typeof a === 'number' && typeof b === 'number' ? Math.abs(b - a) / width(k) : 1);
    }, 0);
  let values = { ...witness };
  const tighten = () => {
    for (let pass = 0; pass < 2; pass++)
      for (const k of set) {
        const a = current[k];
        const b = values[k];
        if (typeof a !== 'number' || typeof b !== 'number') continue;
        const int = (s.d.ranges.get(k) as VarRange).kind === 'int';
        let good = b;
        let bad = a;
        for (let i = 0; i < 60 && Math.abs(good - bad) > (int ? 1 : 0); i++) {
          let mid = bad / 2 + good / 2;
          if (int) mid = good > bad ? Math.ceil(mid) : Math.floor(mid);
          if (mid === good || mid === bad) break;
          if (reaches({ ...values, [k]: mid })) good = mid;
          else bad = mid;
        }
        values = { ...values, [k]: good };
      }
  };
  const base: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(current)) if (v !== undefined) base[k] = v;
  const fixed = fixedBox(s);
  const reach = reachQuery(s, set);
  tighten();
  let cost = costOf(values);
  for (let round = 0; round < 4; round++) {
    const bound = Math.min(cost, ceiling) * (1 - COST_TOLERANCE);
    const q: Query = {
      vars: set,
      abs: (scope) => {
        let lb = 0;
        for (const k of set) {
          const a = current[k];
          const av = scope.get(k);
          if (typeof a !== 'number' || !av || !av.num || av.nan || av.nul || av.str || av.t || av.f) continue;
          lb += (av.lo > a ? av.lo - a : av.hi < a ? a - av.hi : 0) / width(k);
        }
        return lb < bound && reach.abs(scope);
      },
      replay: (v) => costOf(v) < bound && reaches(v),
    };
    // Split each input just short of the witness's value, toward the region's: the boxes on the near
    // side usually cannot reach, those on the far side cost at least (1 − tolerance) × cost.
    const splitAt = (k: string, r: VarRange) => {
      const a = current[k];
      const b = values[k];
      if (typeof a !== 'number' || typeof b !== 'number' || a === b) return undefined;
      const x = a + (b - a) * (1 - COST_TOLERANCE / 2);
      return r.kind === 'int' ? (b > a ? Math.floor(x) : Math.ceil(x)) : x;
    };
    // The deadline is what bounds this proof; the count only caps its memory (a box is a few
    // intervals). Near the cheapest surface the boxes shrink slowly: 3,000 left 2023 白城市 unproven.
    const o = exists(s.d, q, { base, fixed, deadline, maxBoxes: 60_000, witnesses: true, splitAt });
    if (o.kind === 'none')
      return { values, cost: Number.isFinite(cost) ? cost : costOf(values), proven: true };
    if (o.kind === 'unknown') return { values, cost, proven: false };
    values = { ...o.values };
    tighten();
    cost = costOf(values);
  }
  return { values, cost, proven: false };
}

/** Each input of the set at whichever end of its range scores the region higher (alone). */
function extremes(s: ReachSetup, set: string[], base: Record<string, unknown>): Record<string, unknown> {
  const { p } = s;
  const score = (v: Record<string, unknown>) => {
    const r = quickScore(p, v);
    return r === null ? -Infinity : -(p.gradeIndex.get(r.grade) as number) * 1e9 + r.total;
  };
  const out: Record<string, unknown> = {};
  for (const k of set) {
    const r = s.d.ranges.get(k) as VarRange;
    const ends = r.kind === 'set' ? r.values : [r.lo, r.hi].filter((x) => Math.abs(x) < 1e15);
    let best = base[k];
    let top = score(base);
    for (const e of ends) {
      const v = score({ ...base, [k]: e });
      if (v > top) [best, top] = [e, v];
    }
    out[k] = best;
  }
  return out;
}

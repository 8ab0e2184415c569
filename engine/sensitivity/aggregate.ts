/**
 * Re-aggregating every region under one variant's item points: totals and final grade indexes
 * (`aggregate`, the straightforward reference), and the same with ranks, fast (`Reaggregator`).
 *
 * The fast path works on integers: every item's points, category sum, base and total are
 * multiples of 10^-precision, so it keeps k = points × 10^precision. A sum of such points rounded
 * to the precision — what the reference does at each level — is exactly the sum of the k's divided
 * by 10^precision (the float sums' error is some 10^-13, far from the half that would change a
 * rounding), so a variant's total is its base total's integer plus the change of the items it
 * moves, and only for the regions where such an item is neither at 0 nor at full marks is a
 * division and a rounding needed (engine/compile/round.ts's rule, inlined). Ranks come from a
 * counting pass over integer keys (grade, then total) rather than a sort. Results are identical to
 * `aggregate` followed by `rankOf` (engine/sensitivity/sensitivity.test.ts compares them variant by
 * variant); variants whose numbers are too large for exact integers take the reference path.
 */
import type { PreparedDocument } from '../evaluate/prepare.ts';
import { rankOf } from '../evaluate/rank.ts';
import { fastRoundHalfAway } from '../compile/round.ts';
import type { ItemSlot } from './variants.ts';
import { categoryPoints } from '../evaluate/category.ts';
import { NaRegions } from './na-regions.ts';

/** Per region, what a variant cannot change, and the items' clamped results. */
export interface RegionBase {
  code: string;
  name: string;
  /** clamp(raw, 0, maxPoints) per item (ItemSlot order). */
  clamped: Float64Array;
  /**
   * 1 for the items that do not apply to the region (schema version 2), null when all apply:
   * such a region is re-aggregated by its categories' `notApplicable` rules (`totalWithNa`).
   */
  na?: Uint8Array | null;
  bonus: number;
  shift: number;
  /** The worst `maxGrade` of the triggered caps (−1 when none). */
  cap: number;
  vetoed: boolean;
  total: number;
  gradeIndex: number;
}

/** The reference: re-aggregates every region under the given item points (totals, final grade indexes). */
export function aggregate(
  bases: RegionBase[],
  items: ItemSlot[],
  categoryOf: Int32Array,
  categories: number,
  points: Float64Array,
  p: PreparedDocument,
  totals: Float64Array,
  grades: Int32Array,
): void {
  const digits = p.precision;
  const mins = p.grades.map((g) => g.min);
  const last = mins.length - 1;
  const catSums = new Float64Array(categories);
  for (let r = 0; r < bases.length; r++) {
    const b = bases[r];
    if (b.na) {
      const total = totalWithNa(b, items, categoryOf, categories, points, p);
      totals[r] = total;
      grades[r] = finalGrade(total, b, mins, last);
      continue;
    }
    const c = b.clamped;
    catSums.fill(0);
    for (let i = 0; i < items.length; i++) {
      const old = items[i].maxPoints;
      const now = points[i];
      const x = c[i];
      let v: number;
      if (now === old) v = x;
      else if (x === 0 || old === 0) v = 0;
      else if (x === old) v = now;
      else v = (x * now) / old;
      let pts = fastRoundHalfAway(v, digits);
      if (pts === 0) pts = 0;
      catSums[categoryOf[i]] += pts;
    }
    let base = 0;
    for (let k = 0; k < categories; k++) {
      let s = fastRoundHalfAway(catSums[k], digits);
      if (s === 0) s = 0;
      base += s;
    }
    base = fastRoundHalfAway(base, digits);
    let total = fastRoundHalfAway(base + b.bonus, digits);
    if (total === 0) total = 0;
    totals[r] = total;
    grades[r] = finalGrade(total, b, mins, last);
  }
}

/**
 * The total of a region with items that do not apply, under the item points `points`, as the
 * evaluation computes it (engine/evaluate/category.ts): applicable items rescaled as usual, each
 * category by its `notApplicable` rule over the variant's points; a category whose items moved
 * has their sum (rounded to the precision) as its maxPoints.
 */
export function totalWithNa(
  b: RegionBase,
  items: ItemSlot[],
  categoryOf: Int32Array,
  categories: number,
  points: Float64Array,
  p: PreparedDocument,
): number {
  const digits = p.precision;
  const lists: { points: number | null; maxPoints: number }[][] = Array.from(
    { length: categories },
    () => [],
  );
  const moved = new Uint8Array(categories);
  const sums = new Float64Array(categories);
  for (let i = 0; i < items.length; i++) {
    const old = items[i].maxPoints;
    const now = points[i];
    if (now !== old) moved[categoryOf[i]] = 1;
    sums[categoryOf[i]] += now;
    if (b.na![i]) {
      lists[categoryOf[i]].push({ points: null, maxPoints: now });
      continue;
    }
    const x = b.clamped[i];
    let v: number;
    if (now === old) v = x;
    else if (x === 0 || old === 0) v = 0;
    else if (x === old) v = now;
    else v = (x * now) / old;
    let pts = fastRoundHalfAway(v, digits);
    if (pts === 0) pts = 0;
    lists[categoryOf[i]].push({ points: pts, maxPoints: now });
  }
  let base = 0;
  for (let k = 0; k < categories; k++) {
    const c = p.doc.categories[k];
    const max = moved[k] ? fastRoundHalfAway(sums[k], digits) : c.maxPoints;
    base += categoryPoints({ maxPoints: max, notApplicable: c.notApplicable }, lists[k], digits).points;
  }
  base = fastRoundHalfAway(base, digits);
  if (base === 0) base = 0;
  let total = fastRoundHalfAway(base + b.bonus, digits);
  if (total === 0) total = 0;
  return total;
}

function finalGrade(total: number, b: RegionBase, mins: number[], last: number): number {
  let g = 0;
  while (g < last && !(mins[g] <= total)) g++;
  if (b.shift > 0) g = Math.min(last, g + b.shift);
  if (b.cap > g) g = b.cap;
  if (b.vetoed) g = last;
  return g;
}

/** Integers up to this stay exact through every sum here. */
const SAFE = 2 ** 50;
/** Below this, `fastRoundHalfAway`'s arithmetic path applies (see round.ts). */
const LIMIT = 2 ** 31;
/** Below this, one multiplication approximates the reference's s closely enough (see `run`). */
const HALF_LIMIT = 2 ** 30;

/** The most bytes the columns of changes kept by new points may hold, over all items: 32 MB. */
const CACHE_BYTES = 32 * 1024 * 1024;

/** An item's regions that are neither at 0 nor at full marks, or at 0 (x = 0): what a change rescales. */
interface ItemColumn {
  regions: Int32Array;
  x: Float64Array;
  /** The base points × 10^precision. */
  k0: Float64Array;
  /**
   * By new points: per region of `regions`, k − k0 − (the change at full marks), as integers —
   * 16-bit when they all fit (half the memory to read), else 32-bit. `dense` columns (half the
   * regions or more) keep them per region of the dataset instead (0 elsewhere): added in order,
   * without reading region indexes.
   */
  kept: Map<number, Int16Array | Int32Array>;
  dense: boolean;
}

/**
 * Re-aggregation and ranking of one variant after another over the same regions, in integers.
 *
 * An item's new points change the points of its regions that are not at full marks by amounts
 * that depend on those points alone: random draws at the document's precision give each item a
 * few hundred distinct points over thousands of variants, so the changes are computed once per
 * (item, points) and kept (up to CACHE_BYTES; past that, computed each time), then only added up.
 *
 * @example const agg = new Reaggregator(bases, items, p); if (!agg.run(points, changed, totals, grades, ranks)) …
 */
export class Reaggregator {
  private readonly scale: number;
  private readonly digits: number;
  private readonly mins: number[];
  private readonly last: number;
  /** Per region: the base total's integer without the bonus, the bonus's integer (NaN: not one). */
  private readonly baseK: Float64Array;
  private readonly bonusK: Float64Array;
  private readonly columns: ItemColumn[];
  private readonly oldK: Float64Array;
  private readonly acc: Float64Array;
  private readonly keys: Float64Array;
  /** Scratch: one column's changes. */
  private readonly deltas: Float64Array;
  /** Per grade: the smallest and largest total key of the variant, where its ranks start. */
  private readonly lowK: Float64Array;
  private readonly highK: Float64Array;
  private readonly offset: Float64Array;
  /** Regions with items that do not apply: their categories by their `notApplicable` rules. */
  private readonly na: NaRegions;
  /** Per item: the variant's change at full marks (0: unchanged), for `na`. */
  private readonly dFullOf: Float64Array;
  private readonly categoryOf: Int32Array;
  private readonly p: PreparedDocument;
  private keptBytes = 0;
  private counts = new Int32Array(0);
  private sorted = new Float64Array(0);
  /** False when the document's numbers are too large for exact integers (use the reference). */
  readonly usable: boolean;

  constructor(
    private readonly bases: RegionBase[],
    private readonly items: ItemSlot[],
    p: PreparedDocument,
  ) {
    const R = bases.length;
    this.p = p;
    const naRegions: number[] = [];
    for (let r = 0; r < R; r++) if (bases[r].na) naRegions.push(r);
    this.categoryOf = Int32Array.from(items, (it) => it.categoryIndex);
    this.digits = p.precision;
    this.scale = 10 ** p.precision;
    this.mins = p.grades.map((g) => g.min);
    this.last = this.mins.length - 1;
    this.baseK = new Float64Array(R);
    this.bonusK = new Float64Array(R);
    this.acc = new Float64Array(R);
    this.keys = new Float64Array(R);
    this.lowK = new Float64Array(this.mins.length);
    this.highK = new Float64Array(this.mins.length);
    this.offset = new Float64Array(this.mins.length);
    this.oldK = Float64Array.from(items, (it) => this.toK(it.maxPoints));
    let usable = this.oldK.every((k) => k < SAFE);
    const regionsOf: number[][] = items.map(() => []);
    for (let r = 0; r < R; r++) {
      const b = bases[r];
      let sum = 0;
      for (let i = 0; i < items.length; i++) {
        const x = b.clamped[i];
        sum += this.toK(x);
        if (x !== items[i].maxPoints) regionsOf[i].push(r);
      }
      this.baseK[r] = sum;
      const bk = Math.round(b.bonus * this.scale);
      this.bonusK[r] = bk / this.scale === b.bonus ? bk : NaN;
      if (!(sum < SAFE) || !(Math.abs(b.bonus * this.scale) < SAFE)) usable = false;
    }
    this.usable = usable;
    this.columns = regionsOf.map((rs, i) => ({
      regions: Int32Array.from(rs),
      x: Float64Array.from(rs, (r) => bases[r].clamped[i]),
      k0: Float64Array.from(rs, (r) => this.toK(bases[r].clamped[i])),
      kept: new Map<number, Int16Array | Int32Array>(),
      dense: 2 * rs.length >= R,
    }));
    this.deltas = new Float64Array(Math.max(0, ...regionsOf.map((rs) => rs.length)));
    this.na = new NaRegions(naRegions, bases, items, this.columns, p, (v) => this.toK(v));
    this.dFullOf = new Float64Array(items.length);
  }

  /** Points × 10^precision after rounding to the precision (as the reference rounds them). */
  private toK(v: number): number {
    const r = fastRoundHalfAway(v, this.digits);
    return Math.round(r * this.scale);
  }

  /**
   * Into `out`, per region of the item's column: its points under `now` (old: the document's),
   * as an integer k, less k0 and `dFull` — the change the region's total takes beyond `dFull`.
   */
  private changes(col: ItemColumn, now: number, old: number, dFull: number, out: Float64Array): void {
    const { scale: p, digits } = this;
    const xs = col.x;
    const k0 = col.k0;
    const n = xs.length;
    // s ≈ (x × now / old) × 10^digits with one multiplication: within 6 roundings (6 × 2^-53
    // relative, under 1.5·10^-6 below 2^30) of the s the reference computes, so more than 2·10^-6
    // away from a half it rounds the same; nearer, the reference's own rule decides.
    const factor = (now * p) / old;
    for (let j = 0; j < n; j++) {
      const x = xs[j];
      const approx = x * factor;
      const f0 = Math.floor(approx);
      const d = approx - f0;
      let k: number;
      if (approx < HALF_LIMIT && (d < 0.499998 || d > 0.500002)) k = d < 0.5 ? f0 : f0 + 1;
      else {
        // v = (x × now) / old rounded half away from zero at `digits`, as an integer (round.ts).
        const v = (x * now) / old;
        const s = v * p;
        if (s < LIMIT) {
          const f = Math.floor(s);
          const frac = s - f;
          if (frac < 0.499999) k = f;
          else if (frac > 0.500001) k = f + 1;
          else k = v >= (f + 0.5) / p ? f + 1 : f;
        } else k = Math.round(fastRoundHalfAway(v, digits) * p);
      }
      out[j] = k - k0[j] - dFull;
    }
  }

  /** The kept changes of an item's column under `now`, computed now if new (null past the budget). */
  private keptChanges(
    col: ItemColumn,
    now: number,
    old: number,
    dFull: number,
  ): Int16Array | Int32Array | null {
    const kept = col.kept.get(now);
    if (kept !== undefined) return kept;
    const n = col.regions.length;
    const length = col.dense ? this.bases.length : n;
    if (this.keptBytes + 4 * length > CACHE_BYTES) return null;
    const out = this.deltas;
    this.changes(col, now, old, dFull, out);
    let most = 0;
    for (let j = 0; j < n; j++) {
      const d = Math.abs(out[j]);
      if (d > most) most = d;
    }
    if (!(most < 2 ** 31)) return null;
    const column = most < 2 ** 15 ? new Int16Array(length) : new Int32Array(length);
    if (col.dense) {
      const rs = col.regions;
      for (let j = 0; j < n; j++) column[rs[j]] = out[j];
    } else column.set(out.subarray(0, n));
    col.kept.set(now, column);
    this.keptBytes += column.byteLength;
    return column;
  }

  /**
   * Totals, final grade indexes and ranks under `points` (`changed`: the items that differ from
   * the document's). False, with nothing written, when the variant's numbers are too large.
   */
  run(
    points: Float64Array,
    changed: readonly number[],
    totals: Float64Array,
    grades: Int32Array,
    ranks: Int32Array,
  ): boolean {
    if (!this.usable) return false;
    const { items, columns, acc, scale, digits } = this;
    const naRegions = this.na.regions;
    const hasNa = naRegions.length > 0;
    if (hasNa) {
      this.dFullOf.fill(0);
      this.na.begin();
    }
    acc.fill(0);
    // As if every changed item were at full marks in every region; corrected below where it is not.
    let full = 0;
    for (let c = 0; c < changed.length; c++) {
      const i = changed[c];
      const old = items[i].maxPoints;
      if (old === 0) continue; // x is 0 everywhere: 0 points before and after.
      const now = points[i];
      const nowK = this.toK(now);
      if (!(nowK < SAFE)) return false;
      const dFull = nowK - this.oldK[i];
      full += dFull;
      const col = columns[i];
      const rs = col.regions;
      const kept = this.keptChanges(col, now, old, dFull);
      if (hasNa) {
        this.dFullOf[i] = dFull;
        this.na.add(i, dFull, kept);
      }
      if (kept !== null) {
        if (col.dense) {
          if (kept instanceof Int16Array) addDense16(acc, kept);
          else addDense32(acc, kept);
        } else if (kept instanceof Int16Array) addInto16(acc, rs, kept);
        else addInto32(acc, rs, kept);
        continue;
      }
      const out = this.deltas;
      this.changes(col, now, old, dFull, out);
      for (let j = 0; j < rs.length; j++) acc[rs[j]] += out[j];
    }
    if (!(Math.abs(full) < SAFE)) return false;
    if (hasNa) this.na.end(points, this.dFullOf);
    const R = this.bases.length;
    const { lowK, highK, mins, last } = this;
    lowK.fill(Infinity);
    highK.fill(-Infinity);
    let na = 0;
    for (let r = 0; r < R; r++) {
      const b = this.bases[r];
      let total = 0;
      let tk = 0;
      let k = this.baseK[r] + full + acc[r];
      if (na < naRegions.length && naRegions[na] === r) {
        // Items that do not apply: their categories by their rules (na-regions.ts), or else the
        // reference computation, whose total must then be a whole key.
        k = this.na.baseKey(na++, k);
        if (k !== k) {
          total = totalWithNa(b, items, this.categoryOf, this.p.doc.categories.length, points, this.p);
          tk = Math.round(total * scale);
          if (tk / scale !== total || !(Math.abs(tk) < SAFE)) return false;
        }
      }
      if (k === k) {
        const bk = this.bonusK[r];
        if (bk === bk) {
          tk = k + bk;
          total = tk / scale;
        } else {
          total = fastRoundHalfAway(k / scale + b.bonus, digits);
          if (total === 0) total = 0;
          tk = Math.round(total * scale);
        }
      }
      const g = finalGrade(total, b, mins, last);
      totals[r] = total;
      grades[r] = g;
      this.keys[r] = tk;
      if (tk < lowK[g]) lowK[g] = tk;
      if (tk > highK[g]) highK[g] = tk;
    }
    this.rank(grades, ranks);
    return true;
  }

  /**
   * Competition ranks ("1, 2, 2, 4") by grade then total: each grade's totals take the keys from
   * its offset on, the highest first (offset + highK − k), grade after grade, so that smaller is
   * better; rank = 1 + the number of smaller keys. By counting when the keys' range is small
   * against the number of regions, else by one sort of the keys.
   */
  private rank(grades: Int32Array, ranks: Int32Array): void {
    const R = grades.length;
    const { keys, lowK, highK, offset } = this;
    let range = 0;
    for (let g = 0; g < offset.length; g++) {
      offset[g] = range;
      if (highK[g] >= lowK[g]) range += highK[g] - lowK[g] + 1;
    }
    for (let r = 0; r < R; r++) {
      const g = grades[r];
      keys[r] = offset[g] + (highK[g] - keys[r]);
    }
    // Counting costs about 2 × range steps, a sort about 3 × R log2 R: take the cheaper.
    if (2 * range < 3 * R * Math.log2(R + 1)) {
      if (this.counts.length < range + 1) this.counts = new Int32Array(range + 1);
      const counts = this.counts;
      counts.fill(0, 0, range + 1);
      for (let r = 0; r < R; r++) counts[keys[r] + 1]++;
      for (let q = 1; q <= range; q++) counts[q] += counts[q - 1];
      for (let r = 0; r < R; r++) ranks[r] = counts[keys[r]] + 1;
      return;
    }
    if (this.sorted.length !== R) this.sorted = new Float64Array(R);
    const sorted = this.sorted;
    sorted.set(keys);
    sorted.sort();
    for (let r = 0; r < R; r++) {
      let lo = 0;
      let hi = R;
      const key = keys[r];
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (sorted[mid] < key) lo = mid + 1;
        else hi = mid;
      }
      ranks[r] = lo + 1;
    }
  }
}

/** acc[rs[j]] += kept[j] (one function per array type: each loop sees one kind of array). */
function addInto16(acc: Float64Array, rs: Int32Array, kept: Int16Array): void {
  for (let j = 0; j < kept.length; j++) acc[rs[j]] += kept[j];
}
function addInto32(acc: Float64Array, rs: Int32Array, kept: Int32Array): void {
  for (let j = 0; j < kept.length; j++) acc[rs[j]] += kept[j];
}
/** acc[r] += kept[r] (a dense column). */
function addDense16(acc: Float64Array, kept: Int16Array): void {
  for (let r = 0; r < kept.length; r++) acc[r] += kept[r];
}
function addDense32(acc: Float64Array, kept: Int32Array): void {
  for (let r = 0; r < kept.length; r++) acc[r] += kept[r];
}

/** The reference ranks of totals and grades (a full sort), as typed arrays. */
export function referenceRanks(totals: Float64Array, grades: Int32Array, ranks: Int32Array): void {
  const entries = Array.from(totals, (total, r) => ({ total, gradeIndex: grades[r] }));
  const out = rankOf(entries);
  for (let r = 0; r < out.length; r++) ranks[r] = out[r];
}

/**
 * A region's categories and bonus items made when first read, from its items' raw results kept in
 * a Float64Array shared by many regions (RawPool): what `finish` (result.ts) would have built, the same objects with the same
 * keys in the same order, so that the results, their JSON and every comparison are those of the
 * eager path (test/compile-equivalence.test.ts, engine/compile/lazy.test.ts).
 *
 * A dataset's results are mostly kept until they are serialised or read: thousands of regions ×
 * dozens of items (and, with traces, the variables each read) are objects that the garbage
 * collector copies while the evaluation is still going. Kept as one array of doubles per region
 * (and the region's slots for the traces), they cost a few objects per region until somebody reads
 * them. Totals, grades, ranks, the triggered conditions, warnings, values and derived values stay
 * plain data properties; `categories` and `bonusItems` are accessors (enumerable, in their place
 * among the keys) that build once and then return the same arrays; assigning to them replaces
 * them, as a data property would.
 *
 * Only regions where every item applies are kept this way (an item that does not apply brings its
 * category's `notApplicable` rule: such regions are built whole by `finish`).
 */
import type { BonusItemResult, CategoryResult, ItemResult, RegionResult } from '../types.ts';
import { traceOf } from './messages.ts';
import { rounded } from './round.ts';
import type { CompiledDocument } from './shapes.ts';

/**
 * Items and bonus items of a region from their raws (items of all categories in order, then the
 * bonus items), as `finish` makes them.
 */
function categoriesOf(
  cd: CompiledDocument,
  raws: Float64Array,
  start: number,
  slots: unknown[] | null,
): CategoryResult[] {
  const digits = cd.prepared.precision;
  const cats = cd.categories;
  const categories: CategoryResult[] = new Array(cats.length);
  let at = start;
  for (let ci = 0; ci < cats.length; ci++) {
    const c = cats[ci];
    const list = c.items;
    const items: ItemResult[] = new Array(list.length);
    let sum = 0;
    for (let k = 0; k < list.length; k++) {
      const it = list[k];
      const v = raws[at++];
      const max = it.maxPoints!;
      const points = v < 0 ? 0 : rounded(v > max ? max : v, digits);
      sum += points;
      const clamped = v < 0 || v > max;
      const item: ItemResult =
        it.applies !== null
          ? { id: it.id, label: it.label, points, maxPoints: max, raw: v, clamped, applicable: true }
          : { id: it.id, label: it.label, points, maxPoints: max, raw: v, clamped };
      if (slots !== null) item.trace = traceOf(it, slots, v, v < 0 ? 'low' : v > max ? 'high' : null, points);
      items[k] = item;
    }
    categories[ci] = {
      id: c.id,
      label: c.label,
      points: rounded(sum, digits),
      maxPoints: c.maxPoints,
      items,
    };
  }
  return categories;
}

function bonusItemsOf(
  cd: CompiledDocument,
  raws: Float64Array,
  start: number,
  slots: unknown[] | null,
): BonusItemResult[] {
  const digits = cd.prepared.precision;
  const list = cd.bonusItems;
  const out: BonusItemResult[] = new Array(list.length);
  let at = start + cd.itemCount;
  for (let k = 0; k < list.length; k++) {
    const b = list[k];
    const v = raws[at++];
    const points = v < 0 ? 0 : rounded(v, digits);
    const item: BonusItemResult = { id: b.id, label: b.label, points, raw: v, clamped: v < 0 };
    if (slots !== null) item.trace = traceOf(b, slots, v, v < 0 ? 'low' : null, points);
    out[k] = item;
  }
  return out;
}

/**
 * Where regions' raw results go: one buffer for many regions (a typed array per region would cost
 * its own backing store), region after region from `used`; `reserve` starts a new buffer when the
 * next regions do not fit. A buffer lives as long as any result that reads it.
 */
export class RawPool {
  buffer = new Float64Array(0);
  used = 0;
  constructor(private readonly width: number) {}
  /** Room for `regions` more regions. */
  reserve(regions: number): void {
    if (this.used + regions * this.width <= this.buffer.length) return;
    this.buffer = new Float64Array(Math.max(256, regions) * this.width);
    this.used = 0;
  }
}

/** The fields of a RegionResult before `categories`, in their order (rank 0 until ranked). */
export type Head = Pick<
  RegionResult,
  | 'region'
  | 'name'
  | 'total'
  | 'base'
  | 'bonus'
  | 'bonusUncapped'
  | 'scoreGrade'
  | 'grade'
  | 'rank'
  | 'vetoes'
  | 'downgrades'
  | 'caps'
>;

/** A region's result with its categories and bonus items built: `finish`'s keys, in its order. */
export function eagerResult(
  head: Head,
  categories: CategoryResult[],
  bonusItems: BonusItemResult[],
  warnings: string[],
): RegionResult {
  return { ...head, categories, bonusItems, warnings };
}

/**
 * A region's result with `categories` and `bonusItems` made when first read, from `raws` at
 * `start` (traces from `slots` when it is given). Keys in the order of `eagerResult`.
 */
export function lazyResult(
  cd: CompiledDocument,
  head: Head,
  warnings: string[],
  raws: Float64Array,
  start: number,
  slots: unknown[] | null,
): RegionResult {
  let categories: CategoryResult[] | undefined;
  let bonusItems: BonusItemResult[] | undefined;
  // Every key written out: a spread before accessors would not keep the keys' order.
  return {
    region: head.region,
    name: head.name,
    total: head.total,
    base: head.base,
    bonus: head.bonus,
    bonusUncapped: head.bonusUncapped,
    scoreGrade: head.scoreGrade,
    grade: head.grade,
    rank: head.rank,
    vetoes: head.vetoes,
    downgrades: head.downgrades,
    caps: head.caps,
    get categories(): CategoryResult[] {
      return (categories ??= categoriesOf(cd, raws, start, slots));
    },
    set categories(v: CategoryResult[]) {
      categories = v;
    },
    get bonusItems(): BonusItemResult[] {
      return (bonusItems ??= bonusItemsOf(cd, raws, start, slots));
    },
    set bonusItems(v: BonusItemResult[]) {
      bonusItems = v;
    },
    warnings,
  };
}

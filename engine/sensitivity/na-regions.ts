/**
 * The fast path's regions with items that do not apply (schema version 2), in integers.
 *
 * Such a region's categories without such items add up like any region's (Reaggregator's sums
 * over all items); each category with one is taken out of that sum and put back by its
 * `notApplicable` rule, as `totalWithNa` (aggregate.ts) computes it: `full` counts a non-applicable
 * item's new points, `rescale` scales S (the applicable items' points, rounded) by the category's
 * points over M (the applicable items' new points, summed in item order, in floating point as the
 * reference sums them). The items' changes are the Reaggregator's own for the variant (the kept
 * column of an item's new points, plus the change at full marks), so a region costs the items of
 * its categories with non-applicable items, not a rebuild of its results. Where a number is not a
 * whole multiple of 10^-precision, or a change was not kept, the caller takes `totalWithNa`.
 */
import type { PreparedDocument } from '../evaluate/prepare.ts';
import { fastRoundHalfAway } from '../compile/round.ts';
import type { RegionBase } from './aggregate.ts';
import type { ItemSlot } from './variants.ts';

/** One (region, category with non-applicable items) of the fast path. */
interface NaCategory {
  category: number;
  /** The category's items (ItemSlot indexes, in order), and which of them apply. */
  items: Int32Array;
  applies: Uint8Array;
  /** Σ k of the region's clamped results over all the category's items, and over those that apply. */
  allK: number;
  appK: number;
}

/** What the Reaggregator tells of a variant's changed items. */
export interface VariantChanges {
  /** Per item: the change of its points at full marks, × 10^precision (0 when unchanged). */
  dFull: Float64Array;
  /** Per item: the kept changes of its column under the variant's points (null: unchanged or not kept). */
  kept: (Int16Array | Int32Array | null)[];
  /** Per item: 1 when changed but its changes were not kept (the caller takes the reference). */
  unkept: Uint8Array;
}

export class NaRegions {
  /** Per region of `regions`: its categories with items that do not apply. */
  private readonly cats: NaCategory[][];
  /** pos[a × I + i]: where region a sits in item i's column (−1: at full marks there). */
  private readonly pos: Int32Array;
  private readonly catMax: Float64Array;
  private readonly scale: number;
  private readonly digits: number;

  constructor(
    /** The regions (indexes into bases) with items that do not apply, ascending. */
    readonly regions: number[],
    bases: RegionBase[],
    private readonly items: ItemSlot[],
    columns: { regions: Int32Array }[],
    private readonly p: PreparedDocument,
    toK: (v: number) => number,
  ) {
    const I = items.length;
    const C = p.doc.categories.length;
    this.scale = 10 ** p.precision;
    this.digits = p.precision;
    this.catMax = new Float64Array(C);
    const itemsOf: number[][] = Array.from({ length: C }, () => []);
    items.forEach((it, i) => itemsOf[it.categoryIndex].push(i));
    const indexOf = new Int32Array(bases.length).fill(-1);
    regions.forEach((r, a) => (indexOf[r] = a));
    this.cats = regions.map((r) => {
      const b = bases[r];
      const out: NaCategory[] = [];
      for (let c = 0; c < C; c++) {
        const list = itemsOf[c];
        if (!list.some((i) => b.na![i])) continue;
        let allK = 0;
        let appK = 0;
        for (const i of list) {
          const k = toK(b.clamped[i]);
          allK += k;
          if (!b.na![i]) appK += k;
        }
        out.push({
          category: c,
          items: Int32Array.from(list),
          applies: Uint8Array.from(list, (i) => (b.na![i] ? 0 : 1)),
          allK,
          appK,
        });
      }
      return out;
    });
    this.pos = new Int32Array(regions.length * I).fill(-1);
    columns.forEach((col, i) => {
      const rs = col.regions;
      for (let j = 0; j < rs.length; j++) {
        const a = indexOf[rs[j]];
        if (a >= 0) this.pos[a * I + i] = j;
      }
    });
  }

  /** Before a variant's regions: each category's points as the reference takes them (moved: rounded sum). */
  prepare(points: Float64Array): void {
    const cats = this.p.doc.categories;
    const sums = new Float64Array(cats.length);
    const moved = new Uint8Array(cats.length);
    const items = this.items;
    for (let i = 0; i < items.length; i++) {
      const c = items[i].categoryIndex;
      const now = points[i];
      if (now !== items[i].maxPoints) moved[c] = 1;
      sums[c] += now;
    }
    for (let c = 0; c < cats.length; c++)
      this.catMax[c] = moved[c] ? fastRoundHalfAway(sums[c], this.digits) : cats[c].maxPoints;
  }

  /**
   * For the a-th region: what its integer sum over all items (`allItemsK`, the Reaggregator's)
   * becomes once each category with non-applicable items is counted by its rule; NaN when a
   * number on the way is not a whole multiple of 10^-precision or a change was not kept.
   */
  baseKey(a: number, allItemsK: number, points: Float64Array, ch: VariantChanges): number {
    const { scale, digits, items } = this;
    const I = items.length;
    const at = a * I;
    let key = allItemsK;
    for (const nc of this.cats[a]) {
      let allK = nc.allK;
      let appK = nc.appK;
      let M = 0;
      let naK = 0;
      const list = nc.items;
      for (let q = 0; q < list.length; q++) {
        const i = list[q];
        const now = points[i];
        let d = ch.dFull[i];
        if (d !== 0 || ch.kept[i] !== null) {
          const j = this.pos[at + i];
          if (j >= 0) {
            const kept = ch.kept[i];
            if (kept === null) return NaN;
            d += kept[j];
          }
        } else if (ch.unkept[i]) return NaN;
        allK += d;
        if (nc.applies[q]) {
          appK += d;
          M += now;
        } else {
          const k = Math.round(now * scale);
          if (k / scale !== now) return NaN;
          naK += k;
        }
      }
      let pk: number;
      if ((this.p.doc.categories[nc.category].notApplicable ?? 'full') === 'full') pk = appK + naK;
      else {
        const max = this.catMax[nc.category];
        let pts = M === 0 ? max : fastRoundHalfAway(((appK / scale) * max) / M, digits);
        if (pts === 0) pts = 0;
        pk = Math.round(pts * scale);
        if (pk / scale !== pts) return NaN;
      }
      key += pk - allK;
    }
    return key;
  }
}

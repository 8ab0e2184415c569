/**
 * The fast path's regions with items that do not apply (schema version 2), in integers.
 *
 * Such a region's categories without such items add up like any region's (Reaggregator's sums
 * over all items); each category with one is taken out of that sum and put back by its
 * `notApplicable` rule, as `totalWithNa` (aggregate.ts) computes it: `full` counts a non-applicable
 * item's new points, `rescale` scales S (the applicable items' points, rounded) by the category's
 * points over M (the applicable items' new points, summed in item order, in floating point as the
 * reference sums them).
 *
 * Nothing is rebuilt per region: the items' changes are the Reaggregator's own (the kept column of
 * an item's new points, plus the change at full marks, the same for every region), added per
 * (region, category) as the columns are added per region, and what depends on the variant and on
 * which items apply alone (M, the non-applicable items' points) is computed once per pattern.
 * Where a number is not a whole multiple of 10^-precision, or a change was not kept, the caller
 * takes `totalWithNa`.
 */
import type { PreparedDocument } from '../evaluate/prepare.ts';
import { fastRoundHalfAway } from '../compile/round.ts';
import type { RegionBase } from './aggregate.ts';
import type { ItemSlot } from './variants.ts';

/** A category with the items of it that apply: shared by the regions where the same ones apply. */
interface Pattern {
  category: number;
  rescale: boolean;
  /** The category's items (ItemSlot indexes, in order), and which of them apply. */
  items: Int32Array;
  applies: Uint8Array;
}

export class NaRegions {
  /** Per (region, category with non-applicable items), flattened: region a's are from first[a]. */
  private readonly first: Int32Array;
  private readonly patternOf: Int32Array;
  /** Σ k of the region's clamped results over all the category's items, and over those that apply. */
  private readonly allK: Float64Array;
  private readonly appK: Float64Array;
  /** Per (region, category): the variant's changes from kept columns. */
  private readonly acc: Float64Array;
  /** Per item: the (region, category) entries it adds to, and its column's index for each. */
  private readonly slotsOf: Int32Array[];
  private readonly rowsOf: Int32Array[];
  private readonly patterns: Pattern[];
  /** Per pattern, for the variant: M, the non-applicable items' k (NaN: not whole), their full-marks change. */
  private readonly patM: Float64Array;
  private readonly patNaK: Float64Array;
  private readonly patDNa: Float64Array;
  /** Per category, for the variant: the points the reference rescales to, Σ of its items' full-marks changes. */
  private readonly catMax: Float64Array;
  private readonly catFull: Float64Array;
  private readonly scale: number;
  private readonly digits: number;
  /** A changed item's changes were not kept in this variant: every region here takes the reference. */
  private unkept = false;

  constructor(
    /** The regions (indexes into bases) with items that do not apply, ascending. */
    readonly regions: number[],
    bases: RegionBase[],
    private readonly items: ItemSlot[],
    /** Per item: its column's regions; a dense column keeps its changes by region. */
    columns: { regions: Int32Array; dense: boolean }[],
    private readonly p: PreparedDocument,
    toK: (v: number) => number,
  ) {
    const C = p.doc.categories.length;
    this.scale = 10 ** p.precision;
    this.digits = p.precision;
    this.catMax = new Float64Array(C);
    this.catFull = new Float64Array(C);
    const itemsOf: number[][] = Array.from({ length: C }, () => []);
    items.forEach((it, i) => itemsOf[it.categoryIndex].push(i));
    this.patterns = [];
    const patternIds = new Map<string, number>();
    const first: number[] = [];
    const patternOf: number[] = [];
    const allK: number[] = [];
    const appK: number[] = [];
    /** slotAt[r][c]: the entry of region r's category c, or absent. */
    const slotAt = new Map<number, Map<number, number>>();
    regions.forEach((r) => {
      const b = bases[r];
      const na = b.na!;
      first.push(patternOf.length);
      const mine = new Map<number, number>();
      slotAt.set(r, mine);
      for (let c = 0; c < C; c++) {
        const list = itemsOf[c];
        if (!list.some((i) => na[i])) continue;
        const key = `${c}:${list.map((i) => na[i]).join('')}`;
        let id = patternIds.get(key);
        if (id === undefined) {
          patternIds.set(key, (id = this.patterns.length));
          this.patterns.push({
            category: c,
            rescale: (p.doc.categories[c].notApplicable ?? 'full') !== 'full',
            items: Int32Array.from(list),
            applies: Uint8Array.from(list, (i) => (na[i] ? 0 : 1)),
          });
        }
        let all = 0;
        let app = 0;
        for (const i of list) {
          const k = toK(b.clamped[i]);
          all += k;
          if (!na[i]) app += k;
        }
        mine.set(c, patternOf.length);
        patternOf.push(id);
        allK.push(all);
        appK.push(app);
      }
    });
    first.push(patternOf.length);
    this.first = Int32Array.from(first);
    this.patternOf = Int32Array.from(patternOf);
    this.allK = Float64Array.from(allK);
    this.appK = Float64Array.from(appK);
    this.acc = new Float64Array(patternOf.length);
    const P = this.patterns.length;
    this.patM = new Float64Array(P);
    this.patNaK = new Float64Array(P);
    this.patDNa = new Float64Array(P);
    // A non-applicable item is at full marks (its clamped value is its points): never in a column.
    this.slotsOf = [];
    this.rowsOf = [];
    columns.forEach((col, i) => {
      const slots: number[] = [];
      const rows: number[] = [];
      const c = items[i].categoryIndex;
      col.regions.forEach((r, j) => {
        const s = slotAt.get(r)?.get(c);
        if (s !== undefined) {
          slots.push(s);
          rows.push(col.dense ? r : j);
        }
      });
      this.slotsOf.push(Int32Array.from(slots));
      this.rowsOf.push(Int32Array.from(rows));
    });
  }

  /** Before a variant's items: nothing added yet. */
  begin(): void {
    this.acc.fill(0);
    this.catFull.fill(0);
    this.unkept = false;
  }

  /** A changed item's change at full marks and its kept changes (null: not kept). */
  add(i: number, dFull: number, kept: Int16Array | Int32Array | null): void {
    this.catFull[this.items[i].categoryIndex] += dFull;
    if (kept === null) {
      if (this.rowsOf[i].length > 0) this.unkept = true;
      return;
    }
    const slots = this.slotsOf[i];
    const rows = this.rowsOf[i];
    const acc = this.acc;
    for (let q = 0; q < slots.length; q++) acc[slots[q]] += kept[rows[q]];
  }

  /** After a variant's items, before its regions: what each pattern and category takes from the variant. */
  end(points: Float64Array, dFull: Float64Array): void {
    const cats = this.p.doc.categories;
    const items = this.items;
    const sums = new Float64Array(cats.length);
    const moved = new Uint8Array(cats.length);
    for (let i = 0; i < items.length; i++) {
      const c = items[i].categoryIndex;
      const now = points[i];
      if (now !== items[i].maxPoints) moved[c] = 1;
      sums[c] += now;
    }
    for (let c = 0; c < cats.length; c++)
      this.catMax[c] = moved[c] ? fastRoundHalfAway(sums[c], this.digits) : cats[c].maxPoints;
    const scale = this.scale;
    for (let t = 0; t < this.patterns.length; t++) {
      const { items: list, applies } = this.patterns[t];
      let M = 0;
      let naK = 0;
      let dNa = 0;
      for (let q = 0; q < list.length; q++) {
        const i = list[q];
        const now = points[i];
        if (applies[q]) M += now;
        else {
          const k = Math.round(now * scale);
          naK = k / scale === now ? naK + k : NaN;
          dNa += dFull[i];
        }
      }
      this.patM[t] = M;
      this.patNaK[t] = naK;
      this.patDNa[t] = dNa;
    }
  }

  /**
   * For the a-th region: what its integer sum over all items (`allItemsK`, the Reaggregator's)
   * becomes once each category with non-applicable items is counted by its rule; NaN when a
   * number on the way is not a whole multiple of 10^-precision or a change was not kept.
   */
  baseKey(a: number, allItemsK: number): number {
    if (this.unkept) return NaN;
    const { scale, digits } = this;
    let key = allItemsK;
    for (let s = this.first[a]; s < this.first[a + 1]; s++) {
      const t = this.patternOf[s];
      const pattern = this.patterns[t];
      const c = pattern.category;
      const moved = this.catFull[c] + this.acc[s];
      // The applicable items' k: all items' change less the non-applicable ones' (at full marks).
      const appK = this.appK[s] + moved - this.patDNa[t];
      let pk: number;
      if (!pattern.rescale) pk = appK + this.patNaK[t];
      else {
        const M = this.patM[t];
        const max = this.catMax[c];
        let pts = M === 0 ? max : fastRoundHalfAway(((appK / scale) * max) / M, digits);
        if (pts === 0) pts = 0;
        pk = Math.round(pts * scale);
        if (pk / scale !== pts) return NaN;
      }
      key += pk - (this.allK[s] + moved);
    }
    return key;
  }
}

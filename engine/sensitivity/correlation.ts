/**
 * The sums Σ x·y per (region, item) over the variants — x the item's relative change of points, y
 * the region's change of rank — that the rank correlation needs. Variants are buffered and added
 * a block at a time, region by region, so that a region's row of sums stays in the processor's
 * cache for the whole block instead of the whole table streaming through memory per variant. Each
 * sum receives its terms in variant order, as a plain loop adds them: the same floating-point
 * result, bit for bit.
 */
const BLOCK = 64;

export class CrossSums {
  /** sums[r × items + i]. */
  readonly sums: Float64Array;
  private readonly dx: Float64Array;
  private readonly d: Int32Array;
  private readonly changed: Int32Array[] = [];
  private filled = 0;

  constructor(
    private readonly regions: number,
    private readonly items: number,
  ) {
    this.sums = new Float64Array(regions * items);
    this.dx = new Float64Array(BLOCK * items);
    this.d = new Int32Array(regions * BLOCK);
  }

  /** One variant: `dx[i]` for the `changed` items, the rank changes of every region. */
  add(changed: readonly number[], dx: Float64Array, rankChange: (r: number) => number): void {
    const b = this.filled;
    const I = this.items;
    const list = Int32Array.from(changed);
    this.changed[b] = list;
    for (let j = 0; j < list.length; j++) this.dx[b * I + list[j]] = dx[list[j]];
    for (let r = 0; r < this.regions; r++) this.d[r * BLOCK + b] = rankChange(r);
    if (++this.filled === BLOCK) this.flush();
  }

  /** Adds the buffered variants into the sums (call once more after the last variant). */
  flush(): void {
    const { sums, dx, d, changed, items: I } = this;
    const nb = this.filled;
    for (let r = 0; r < this.regions; r++) {
      const row = r * I;
      const drow = r * BLOCK;
      for (let b = 0; b < nb; b++) {
        const y = d[drow + b];
        // x × 0 adds nothing (not even a −0 to a +0 sum): unmoved regions are skipped.
        if (y === 0) continue;
        const list = changed[b];
        const base = b * I;
        for (let j = 0; j < list.length; j++) {
          const i = list[j];
          sums[row + i] += dx[base + i] * y;
        }
      }
    }
    this.filled = 0;
  }
}

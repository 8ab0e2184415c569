/**
 * The sums Σ x·y per (region, item) over the variants — x the item's relative change of points, y
 * the region's change of rank — that the rank correlation needs.
 *
 * `PlainCrossSums` adds each variant's terms as they come (the straightforward path). `CrossSums`
 * buffers variants and adds them a block at a time, region by region, each sum kept in a register
 * over the block instead of the whole table streaming through memory per variant. Each sum still
 * receives its terms in variant order, so both give the same floating-point result, bit for bit:
 * when most items move, the block adds every item's term, the unmoved ones' x being 0 — and adding
 * x·y = ±0 changes no sum (a sum that starts at +0 never becomes −0, and s + ±0 = s otherwise).
 */
const BLOCK = 64;

/** What the analysis adds the variants' terms into; `sums[r × items + i]` once flushed. */
export interface CrossSumsLike {
  readonly sums: Float64Array;
  /** One variant: `dx[i]` for the `changed` items; the ranks and the document's ranks per region. */
  add(changed: readonly number[], dx: Float64Array, ranks: Int32Array, baseRanks: Int32Array): void;
  /** Call once after the last variant. */
  flush(): void;
}

/** The straightforward sums: every moved region's term added at once. */
export class PlainCrossSums implements CrossSumsLike {
  readonly sums: Float64Array;

  constructor(
    private readonly regions: number,
    private readonly items: number,
  ) {
    this.sums = new Float64Array(regions * items);
  }

  add(changed: readonly number[], dx: Float64Array, ranks: Int32Array, baseRanks: Int32Array): void {
    for (let r = 0; r < this.regions; r++) {
      const y = ranks[r] - baseRanks[r];
      if (y === 0) continue;
      for (const i of changed) this.sums[r * this.items + i] += dx[i] * y;
    }
  }

  flush(): void {}
}

export class CrossSums implements CrossSumsLike {
  readonly sums: Float64Array;
  /** x by item, then variant of the block: dxT[i × BLOCK + b], 0 for the items b does not move. */
  private readonly dxT: Float64Array;
  /** y by region, then variant of the block (as doubles: no conversion in the inner loop). */
  private readonly d: Float64Array;
  private readonly changed: Int32Array[] = [];
  private filled = 0;
  private moved = 0;

  constructor(
    private readonly regions: number,
    private readonly items: number,
  ) {
    this.sums = new Float64Array(regions * items);
    this.dxT = new Float64Array(BLOCK * items);
    this.d = new Float64Array(regions * BLOCK);
  }

  add(changed: readonly number[], dx: Float64Array, ranks: Int32Array, baseRanks: Int32Array): void {
    const b = this.filled;
    const { dxT, d, regions } = this;
    const list = Int32Array.from(changed);
    this.changed[b] = list;
    this.moved += list.length;
    for (let i = 0; i < this.items; i++) dxT[i * BLOCK + b] = 0;
    for (let j = 0; j < list.length; j++) dxT[list[j] * BLOCK + b] = dx[list[j]];
    for (let r = 0; r < regions; r++) d[r * BLOCK + b] = ranks[r] - baseRanks[r];
    if (++this.filled === BLOCK) this.flush();
  }

  /** Adds the buffered variants into the sums (call once more after the last variant). */
  flush(): void {
    const nb = this.filled;
    // Every item of every variant when at least a quarter of them move; else only the moved ones.
    if (4 * this.moved >= nb * this.items) this.flushDense(nb);
    else this.flushSparse(nb);
    this.filled = 0;
    this.moved = 0;
  }

  private flushDense(nb: number): void {
    const { sums, dxT, d, items: I, regions: R } = this;
    let r = 0;
    // Two regions × two items at a time: each x and y loaded once serves two terms.
    for (; r + 1 < R; r += 2) {
      const row = r * I;
      const row2 = row + I;
      const drow = r * BLOCK;
      const drow2 = drow + BLOCK;
      let i = 0;
      for (; i + 1 < I; i += 2) {
        let a = sums[row + i];
        let a2 = sums[row + i + 1];
        let c = sums[row2 + i];
        let c2 = sums[row2 + i + 1];
        const base = i * BLOCK;
        const base2 = base + BLOCK;
        for (let b = 0; b < nb; b++) {
          const y = d[drow + b];
          const z = d[drow2 + b];
          const x = dxT[base + b];
          const x2 = dxT[base2 + b];
          a += x * y;
          a2 += x2 * y;
          c += x * z;
          c2 += x2 * z;
        }
        sums[row + i] = a;
        sums[row + i + 1] = a2;
        sums[row2 + i] = c;
        sums[row2 + i + 1] = c2;
      }
      if (i < I) {
        let a = sums[row + i];
        let c = sums[row2 + i];
        const base = i * BLOCK;
        for (let b = 0; b < nb; b++) {
          const x = dxT[base + b];
          a += x * d[drow + b];
          c += x * d[drow2 + b];
        }
        sums[row + i] = a;
        sums[row2 + i] = c;
      }
    }
    if (r < R) {
      const row = r * I;
      const drow = r * BLOCK;
      for (let i = 0; i < I; i++) {
        let a = sums[row + i];
        const base = i * BLOCK;
        for (let b = 0; b < nb; b++) a += dxT[base + b] * d[drow + b];
        sums[row + i] = a;
      }
    }
  }

  private flushSparse(nb: number): void {
    const { sums, dxT, d, changed, items: I } = this;
    for (let r = 0; r < this.regions; r++) {
      const row = r * I;
      const drow = r * BLOCK;
      for (let b = 0; b < nb; b++) {
        const y = d[drow + b];
        if (y === 0) continue;
        const list = changed[b];
        for (let j = 0; j < list.length; j++) {
          const i = list[j];
          sums[row + i] += dxT[i * BLOCK + b] * y;
        }
      }
    }
  }
}

/**
 * The fast integer re-aggregation with counting ranks (Reaggregator) gives, variant by variant,
 * exactly the totals, grades and ranks of the reference (float sums, rankOf's sort); and whole
 * reports are the same either way.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import type { Dataset, RuleDocument } from '../types.ts';
import type { PreparedDocument } from '../evaluate/prepare.ts';
import { prepareDocument } from '../evaluate/prepare.ts';
import { aggregate, Reaggregator, referenceRanks, type RegionBase } from './aggregate.ts';
import { analysePrepared } from './analyse.ts';
import { CrossSums, PlainCrossSums } from './correlation.ts';
import type { ItemSlot, SensitivityMode } from './variants.ts';
import { mulberry32 } from './prng.ts';

const root = new URL('../../', import.meta.url);
const readJson = (path: string) => JSON.parse(readFileSync(new URL(path, root), 'utf8'));

const world = fc
  .record({
    precision: fc.integer({ min: 0, max: 6 }),
    maxPoints: fc.array(
      fc.oneof(
        fc.constant(0),
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0.001, max: 30, noNaN: true }),
      ),
      { minLength: 1, maxLength: 8 },
    ),
    regions: fc.integer({ min: 1, max: 40 }),
    seed: fc.integer(),
    variants: fc.integer({ min: 1, max: 6 }),
  })
  .map((w) => w);

function build(w: { precision: number; maxPoints: number[]; regions: number; seed: number; na?: boolean }) {
  const next = mulberry32(w.seed);
  const items: ItemSlot[] = w.maxPoints.map((m, i) => ({
    id: `i${i}`,
    label: { zh: `i${i}`, en: `i${i}` },
    category: `c${i % 3}`,
    categoryIndex: i % 3,
    maxPoints: m,
  }));
  const grades = [{ min: 40 }, { min: 25 }, { min: 10 }, { min: 0 }].map((g, i) => ({ ...g, id: `g${i}` }));
  // Schema version 2: categories with a notApplicable rule, items that may not apply.
  const categories = [0, 1, 2].map((k) => ({
    id: `c${k}`,
    maxPoints: items.filter((it) => it.categoryIndex === k).reduce((s, it) => s + it.maxPoints, 0),
    notApplicable: next() < 0.5 ? 'rescale' : 'full',
  }));
  const p = { precision: w.precision, grades, doc: { categories } } as unknown as PreparedDocument;
  const pick = (choices: number[]) => choices[Math.floor(next() * choices.length)];
  const bases: RegionBase[] = Array.from({ length: w.regions }, (_, r) => {
    const clamped = Float64Array.from(items, (it) => {
      const kind = next();
      return kind < 0.25 ? 0 : kind < 0.5 ? it.maxPoints : it.maxPoints * next();
    });
    const na = w.na && next() < 0.5 ? Uint8Array.from(items, () => (next() < 0.3 ? 1 : 0)) : null;
    if (na) items.forEach((it, i) => na[i] && (clamped[i] = it.maxPoints));
    return {
      code: `r${r}`,
      name: `r${r}`,
      clamped,
      na,
      bonus: pick([0, 1, 2.5, 0.125, 1 / 3, 0.005]),
      shift: pick([0, 0, 0, 1, 2]),
      cap: pick([-1, -1, -1, 1, 2]),
      vetoed: next() < 0.05,
      total: 0,
      gradeIndex: 0,
    };
  });
  const variant = () => {
    const points = Float64Array.from(items, (it) => it.maxPoints);
    const changed: number[] = [];
    items.forEach((it, i) => {
      if (next() < 0.5) {
        const now = pick([
          0,
          it.maxPoints * 2,
          Math.round(it.maxPoints * 1.1 * 100) / 100,
          it.maxPoints + 1,
          7.005,
        ]);
        if (now !== it.maxPoints) {
          points[i] = now;
          changed.push(i);
        }
      }
    });
    return { points, changed };
  };
  return { items, p, bases, variant };
}

describe('Reaggregator', () => {
  test('equals aggregate + rankOf on random regions, points, precisions, bonuses, caps and vetoes', () => {
    fc.assert(
      fc.property(world, (w) => {
        const { items, p, bases, variant } = build(w);
        const R = bases.length;
        const fast = new Reaggregator(bases, items, p);
        const categoryOf = Int32Array.from(items, (it) => it.categoryIndex);
        for (let v = 0; v < w.variants; v++) {
          const { points, changed } = variant();
          const [t1, g1, k1] = [new Float64Array(R), new Int32Array(R), new Int32Array(R)];
          const [t2, g2, k2] = [new Float64Array(R), new Int32Array(R), new Int32Array(R)];
          expect(fast.run(points, changed, t1, g1, k1)).toBe(true);
          aggregate(bases, items, categoryOf, 3, points, p, t2, g2);
          referenceRanks(t2, g2, k2);
          expect([...t1]).toEqual([...t2]);
          expect([...g1]).toEqual([...g2]);
          expect([...k1]).toEqual([...k2]);
        }
      }),
      { numRuns: 400 },
    );
  });

  test('variants run again (their changes kept by points) give what the first run gave', () => {
    fc.assert(
      fc.property(world, (w) => {
        const { items, p, bases, variant } = build(w);
        const R = bases.length;
        const fast = new Reaggregator(bases, items, p);
        const categoryOf = Int32Array.from(items, (it) => it.categoryIndex);
        const variants = Array.from({ length: w.variants }, variant);
        // Each variant three times, interleaved: computed and kept, then read back twice.
        for (let round = 0; round < 3; round++)
          for (const { points, changed } of variants) {
            const [t1, g1, k1] = [new Float64Array(R), new Int32Array(R), new Int32Array(R)];
            const [t2, g2, k2] = [new Float64Array(R), new Int32Array(R), new Int32Array(R)];
            expect(fast.run(points, changed, t1, g1, k1)).toBe(true);
            aggregate(bases, items, categoryOf, 3, points, p, t2, g2);
            referenceRanks(t2, g2, k2);
            expect([...t1]).toEqual([...t2]);
            expect([...g1]).toEqual([...g2]);
            expect([...k1]).toEqual([...k2]);
          }
      }),
      { numRuns: 200 },
    );
  });

  test('regions with items that do not apply (full and rescale): equal to aggregate + rankOf, or refused', () => {
    let fastRuns = 0;
    fc.assert(
      fc.property(world, (w) => {
        const { items, p, bases, variant } = build({ ...w, na: true });
        const R = bases.length;
        const fast = new Reaggregator(bases, items, p);
        const categoryOf = Int32Array.from(items, (it) => it.categoryIndex);
        for (let v = 0; v < w.variants; v++) {
          const { points, changed } = variant();
          const [t1, g1, k1] = [new Float64Array(R), new Int32Array(R), new Int32Array(R)];
          const [t2, g2, k2] = [new Float64Array(R), new Int32Array(R), new Int32Array(R)];
          aggregate(bases, items, categoryOf, 3, points, p, t2, g2);
          referenceRanks(t2, g2, k2);
          // refused only when a total is not a whole number of 10^-precision (the caller then
          // takes the reference path)
          if (!fast.run(points, changed, t1, g1, k1)) {
            const scale = 10 ** w.precision;
            expect([...t2].some((t) => Math.round(t * scale) / scale !== t)).toBe(true);
            continue;
          }
          fastRuns++;
          expect([...t1]).toEqual([...t2]);
          expect([...g1]).toEqual([...g2]);
          expect([...k1]).toEqual([...k2]);
        }
      }),
      { numRuns: 300 },
    );
    expect(fastRuns).toBeGreaterThan(100);
  });

  test('ranks by counting (many regions, few distinct totals) and by sorting alike', () => {
    for (const [precision, regions] of [
      [0, 2000],
      [1, 3000],
      [2, 50],
    ]) {
      const { items, p, bases, variant } = build({
        precision,
        maxPoints: [10, 20, 5.5, 0, 7],
        regions,
        seed: precision,
      });
      const fast = new Reaggregator(bases, items, p);
      const categoryOf = Int32Array.from(items, (it) => it.categoryIndex);
      for (let v = 0; v < 5; v++) {
        const { points, changed } = variant();
        const [t1, g1, k1] = [new Float64Array(regions), new Int32Array(regions), new Int32Array(regions)];
        const [t2, g2, k2] = [new Float64Array(regions), new Int32Array(regions), new Int32Array(regions)];
        expect(fast.run(points, changed, t1, g1, k1)).toBe(true);
        aggregate(bases, items, categoryOf, 3, points, p, t2, g2);
        referenceRanks(t2, g2, k2);
        expect([...t1]).toEqual([...t2]);
        expect([...k1]).toEqual([...k2]);
      }
    }
  });

  test('refuses numbers too large for exact integers (the caller takes the reference path)', () => {
    const { items, p, bases } = build({ precision: 6, maxPoints: [1e12, 5], regions: 3, seed: 1 });
    const fast = new Reaggregator(bases, items, p);
    expect(fast.usable).toBe(false);
    const R = 3;
    expect(
      fast.run(Float64Array.from([1e12, 6]), [1], new Float64Array(R), new Int32Array(R), new Int32Array(R)),
    ).toBe(false);
  });
});

describe('CrossSums', () => {
  test('blocked sums equal the plain ones bit for bit, dense and sparse, any region and item counts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 150 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer(),
        (regions, items, variants, density, seed) => {
          const next = mulberry32(seed);
          const blocked = new CrossSums(regions, items);
          const plain = new PlainCrossSums(regions, items);
          const base = Int32Array.from({ length: regions }, () => Math.floor(next() * regions) + 1);
          for (let v = 0; v < variants; v++) {
            const changed: number[] = [];
            const dx = new Float64Array(items).fill(Number.NaN);
            for (let i = 0; i < items; i++)
              if (next() < density) {
                changed.push(i);
                dx[i] = (next() - 0.5) * 10 ** Math.floor(next() * 6 - 3);
              }
            const ranks = Int32Array.from(base, (b) => (next() < 0.3 ? b : Math.floor(next() * regions) + 1));
            blocked.add(changed, dx, ranks, base);
            plain.add(changed, dx, ranks, base);
          }
          blocked.flush();
          plain.flush();
          expect(Array.from(blocked.sums, (x) => (Object.is(x, -0) ? '-0' : x))).toEqual(
            Array.from(plain.sums, (x) => (Object.is(x, -0) ? '-0' : x)),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('whole reports', () => {
  const doc = readJson('rules/jilin-eco-target/2025.json') as RuleDocument;
  const sample = readJson('rules/sample-data/2025.json') as Dataset;
  const next = mulberry32(7);
  // 240 regions: the sample's, jittered, so that grades and ranks move.
  const data: Dataset = {
    year: sample.year,
    regions: Array.from({ length: 240 }, (_, i) => {
      const from = sample.regions[i % sample.regions.length];
      const values: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(from.values))
        values[k] =
          typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * (0.9 + 0.2 * next()) * 10) / 10 : v;
      // last year's values (schema version 2) stay the sample's
      return {
        code: `R${String(i).padStart(4, '0')}`,
        name: `${from.name}${i}`,
        values,
        previous: from.previous,
      };
    }),
  };
  const p = prepareDocument(doc);
  const modes: SensitivityMode[] = [
    { kind: 'random', n: 300, seed: 3, p: 30 },
    { kind: 'points', k: 1 },
    { kind: 'percent', p: 25, rebalance: 'category' },
    { kind: 'grid', variants: [{ maxPoints: { [doc.categories[0].items[0].id]: 0 } }, { maxPoints: {} }] },
  ];
  test.each(modes)('the same report, fast or reference: $kind', (mode) => {
    const fast = analysePrepared(p, data, mode);
    const reference = analysePrepared(p, data, mode, { reference: true });
    expect(fast.unstable.length + fast.stable.length).toBeGreaterThan(0);
    expect(JSON.stringify(fast)).toBe(JSON.stringify(reference));
  });
});

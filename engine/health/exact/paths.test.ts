import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { exactGradePath } from './paths.ts';
import { prepareDocument } from '../../evaluate/prepare.ts';
import { scoreRegion } from '../../evaluate/score.ts';
import type { RuleDocument } from '../../types.ts';
import { category, documentHead, grades, item } from '../../test-fixtures.ts';

/**
 * A small document: three actual values (integers 0..10), one target; item a reads x against the
 * target, item b reads y and z together (a sum), a downgrade fires when z < 2.
 */
function smallDoc(t: number, goodMin: number, excMin: number): RuleDocument {
  return {
    ...documentHead(1, 'health-small', 2025, '小文档', 20),
    precision: 1,
    inputs: [
      { key: 'x', label: { zh: 'x' }, type: 'integer', role: 'actual', min: 0, max: 10 },
      { key: 'y', label: { zh: 'y' }, type: 'integer', role: 'actual', min: 0, max: 10 },
      { key: 'z', label: { zh: 'z' }, type: 'integer', role: 'actual', min: 0, max: 10 },
      { key: 't', label: { zh: 't' }, type: 'integer', role: 'target', min: 1, max: 10 },
    ],
    categories: [
      category('c', '类', 20, [
        item('a', 'a', 10, { clamp: [{ '/': [{ '*': [10, { var: 'x' }] }, { var: 't' }] }, 0, 10] }),
        item('b', 'b', 10, { min: [10, { '*': [0.5, { '+': [{ var: 'y' }, { var: 'z' }] }] }] }),
      ]),
    ],
    grades: grades(['excellent', '优秀', excMin], ['good', '良好', goodMin], ['poor', '较差', 0]),
    downgrades: [{ id: 'lowz', label: { zh: 'z 过低' }, when: { '<': [{ var: 'z' }, 2] } }],
  } as unknown as RuleDocument;
}

const prepared = new WeakMap<RuleDocument, ReturnType<typeof prepareDocument>>();
const gradeOf = (doc: RuleDocument, values: Record<string, unknown>) => {
  let p = prepared.get(doc);
  if (!p) prepared.set(doc, (p = prepareDocument(doc)));
  const r = scoreRegion(p, { code: 'r', name: 'r', values }, false).result!;
  return p.gradeIndex.get(r.grade)!;
};

/** The fewest inputs among x, y, z whose change (on the integer grid) reaches grade index `to`. */
function bruteFewest(doc: RuleDocument, values: Record<string, number>, to: number): number | null {
  let best: number | null = null;
  for (let x = 0; x <= 10; x++)
    for (let y = 0; y <= 10; y++)
      for (let z = 0; z <= 10; z++) {
        const n = [x !== values.x, y !== values.y, z !== values.z].filter(Boolean).length;
        if (best !== null && n >= best) continue;
        if (gradeOf(doc, { ...values, x, y, z }) <= to) best = n;
      }
  return best;
}

/** The smallest sum of relative changes (each range is 10 wide) among the fewest-change grid points. */
function bruteCheapest(
  doc: RuleDocument,
  values: Record<string, number>,
  to: number,
  fewest: number,
): number {
  let best = Infinity;
  for (let x = 0; x <= 10; x++)
    for (let y = 0; y <= 10; y++)
      for (let z = 0; z <= 10; z++) {
        const n = [x !== values.x, y !== values.y, z !== values.z].filter(Boolean).length;
        if (n !== fewest) continue;
        const cost = (Math.abs(x - values.x) + Math.abs(y - values.y) + Math.abs(z - values.z)) / 10;
        if (cost < best && gradeOf(doc, { ...values, x, y, z }) <= to) best = cost;
      }
  return best;
}

describe('exactGradePath', () => {
  it('proves the fewest changes and the smallest sizes, and the engine confirms the answer', async () => {
    const doc = smallDoc(10, 12, 16);
    const values = { x: 5, y: 3, z: 3, t: 10 };
    // a = 5, b = 3: 8 → poor; excellent (16) needs 8 more points: x → 10 gives 5, then y or z.
    const path = await exactGradePath(
      doc,
      { code: 'r', name: 'r', values },
      { to: 'excellent', timeLimitMs: 30_000 },
    );
    expect(path.reachable).toBe(true);
    expect(path.changes).toHaveLength(bruteFewest(doc, values, 0)!);
    const after = { ...values, ...Object.fromEntries(path.changes.map((c) => [c.key, c.to])) };
    expect(gradeOf(doc, after)).toBe(0);
    if (path.minimal) {
      expect(path.provenFor).toMatch(/floats|reals/);
      expect(path.cost).toBeGreaterThan(0);
    } else expect(path.note).toBeTruthy();
  }, 120_000);

  it('says when a grade is out of reach, and proves it', async () => {
    const doc = smallDoc(10, 12, 25); // excellent needs 25 of at most 20 points
    const path = await exactGradePath(
      doc,
      { code: 'r', name: 'r', values: { x: 5, y: 3, z: 3, t: 10 } },
      { to: 'excellent', timeLimitMs: 30_000 },
    );
    expect(path.reachable).toBe(false);
    expect(path.changes).toEqual([]);
    if (!path.minimal) expect(path.note).toBeTruthy();
  }, 120_000);

  it('claims minimality only when no grid point with fewer changes reaches (random small documents)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 4, max: 14 }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 0, max: 10 }),
        async (t, goodMin, x, y, z) => {
          const doc = smallDoc(t, goodMin, goodMin + 4);
          const values = { x, y, z, t };
          const from = gradeOf(doc, values);
          if (from === 0) return;
          // To the best grade: often two or three inputs must move.
          const path = await exactGradePath(
            doc,
            { code: 'r', name: 'r', values },
            { to: 'excellent', timeLimitMs: 20_000 },
          );
          const fewest = bruteFewest(doc, values, 0);
          if (process.env.SHOW) console.log(JSON.stringify({ t, goodMin, x, y, z, fewest, path }));
          if (path.reachable) {
            const after = { ...values, ...Object.fromEntries(path.changes.map((c) => [c.key, c.to])) };
            expect(gradeOf(doc, after)).toBe(0);
            // Integer inputs: the grid is every allowed input, so it is an exact oracle.
            if (path.minimal) {
              expect(path.changes.length).toBe(fewest);
              // The sizes: no grid point with as few changes is cheaper (up to the proof's tolerance).
              expect(path.cost!).toBeLessThanOrEqual(
                bruteCheapest(doc, values, 0, fewest!) * (1 + 1e-6) + 1e-12,
              );
            }
          } else if (path.minimal) expect(fewest).toBeNull();
        },
      ),
      { numRuns: 12, seed: 15 },
    );
  }, 300_000);
});

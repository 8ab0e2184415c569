import { describe, expect, it } from 'vitest';
import { prepareDocument } from '../evaluate/prepare.ts';
import type { RuleDocument } from '../types.ts';
import { category, documentHead, grades, item } from '../test-fixtures.ts';
import { pathStart } from './paths.ts';
import { cheapest, fewestChanges, passingSets, type ReachSetup } from './reach.ts';

/** x and y scored 0..10 each (z read by nothing); a downgrade while x or y is below 3; good needs 12. */
const doc = {
  ...documentHead(1, 'reach-small', 2025, '小文档', 20),
  precision: 1,
  inputs: ['x', 'y', 'z'].map((key) => ({
    key,
    label: { zh: key },
    type: 'number',
    role: 'actual',
    min: 0,
    max: 10,
  })),
  categories: [category('c', '类', 20, [item('a', 'a', 10, { var: 'x' }), item('b', 'b', 10, { var: 'y' })])],
  grades: grades(['good', '良好', 12], ['fair', '一般', 6], ['poor', '较差', 0]),
  downgrades: [
    {
      id: 'low',
      label: { zh: '过低' },
      when: { or: [{ '<': [{ var: 'x' }, 3] }, { '<': [{ var: 'y' }, 3] }] },
    },
  ],
} as unknown as RuleDocument;

function setup(values: Record<string, number>, to: string): ReachSetup {
  const p = prepareDocument(doc);
  const st = pathStart(p, { code: 'r', name: 'r', values }, to);
  return { p, d: st.d, r0: st.r0, toIdx: st.toIdx, current: st.current, changeable: st.actual };
}

describe('reach: fewest changes by the bound analysis', () => {
  it('rules out single changes when a downgrade reads two inputs below their bar', async () => {
    // x = 9, y = 1: total 10, fair lowered to poor by the downgrade; good needs y ≥ 3 and 12 points.
    const s = setup({ x: 9, y: 1, z: 0 }, 'good');
    expect([...passingSets(s, 1)]).toEqual([['y']]); // z reads nothing, x cannot lift the downgrade
    const few = await fewestChanges(s, 3, performance.now() + 10_000);
    expect(few.k).toBe(1);
    expect(few.sets.map((x) => x.set)).toEqual([['y']]);
    const c = cheapest(s, ['y'], few.sets[0].values, () => 10, performance.now() + 10_000);
    expect(c.proven).toBe(true);
    expect(c.values.y).toBe(3); // the bar, not more: 9 + 3 = 12
    expect(c.cost).toBeCloseTo(0.2, 9);
  });

  it('needs both inputs when both are below the bar, and proves a grade out of reach', async () => {
    const s = setup({ x: 1, y: 1, z: 0 }, 'good');
    expect([...passingSets(s, 1)]).toEqual([]);
    const few = await fewestChanges(s, 3, performance.now() + 10_000);
    expect(few.k).toBe(2);
    expect(few.sets.map((x) => x.set)).toEqual([['x', 'y']]);
    // The best grade is out of reach of z alone: nothing passes, nothing undecided.
    const only = { ...s, changeable: ['z'] };
    const none = await fewestChanges(only, 1, performance.now() + 10_000);
    expect(none).toEqual({ k: null, sets: [], undecided: [] });
  });
});

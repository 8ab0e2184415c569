/**
 * Step 4 of evaluation for one category (SPEC sections 3.4 and 9): the sum of its items' points,
 * and when items do not apply, the category's `notApplicable` rule — `full` (a non-applicable item
 * counts as its maxPoints) or `rescale` (the applicable items' points scaled to the category's
 * maxPoints). Both evaluation paths and the sensitivity analysis use this.
 */
import type { Category, ItemResult } from '../types.ts';
import { roundHalfAway } from '../numeric/round.ts';

const clean = (x: number) => (x === 0 ? 0 : x); // no -0 in results

export interface CategoryPoints {
  points: number;
  /** With `rescale` when some item does not apply: S and M of SPEC section 9. */
  rescaled?: { points: number; maxPoints: number };
}

/**
 * A category's points from its items' results (points null: the item does not apply).
 *
 * `rescale`: S = the applicable items' points summed and rounded to `digits` (as a category is),
 * M = the plain sum of their maxPoints; points = round(S × maxPoints / M), left to right in double
 * precision. When no item applies — or the applicable ones carry no points at all (M = 0), so
 * there is nothing to scale — the category gets its maxPoints.
 */
export function categoryPoints(
  c: Pick<Category, 'maxPoints' | 'notApplicable'>,
  items: readonly Pick<ItemResult, 'points' | 'maxPoints'>[],
  digits: number,
): CategoryPoints {
  let sum = 0;
  let na = false;
  for (const it of items) {
    if (it.points === null) na = true;
    else sum += it.points;
  }
  if (!na) return { points: clean(roundHalfAway(sum, digits)) };
  if ((c.notApplicable ?? 'full') === 'full') {
    let s = 0;
    for (const it of items) s += it.points === null ? it.maxPoints : it.points;
    return { points: clean(roundHalfAway(s, digits)) };
  }
  const S = clean(roundHalfAway(sum, digits));
  let M = 0;
  for (const it of items) if (it.points !== null) M += it.maxPoints;
  if (M === 0) return { points: c.maxPoints, rescaled: { points: S, maxPoints: M } };
  return {
    points: clean(roundHalfAway((S * c.maxPoints) / M, digits)),
    rescaled: { points: S, maxPoints: M },
  };
}

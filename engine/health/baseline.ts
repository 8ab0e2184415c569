/**
 * A complete input set the engine scores, from the document's declarations: the starting point
 * that witnesses vary, and the replay of an input set through the engine itself.
 */
import type { RegionResult } from '../types.ts';
import type { PreparedDocument } from '../evaluate/prepare.ts';
import { scoreRegion } from '../evaluate/score.ts';
import { pivot } from './search.ts';
import { regionOf, type Domain, type VarRange } from './domain.ts';

/** Scores one input set with the engine (engine/evaluate); null when it cannot be scored. */
export function replay(p: PreparedDocument, values: Record<string, unknown>): RegionResult | null {
  const out = scoreRegion(p, regionOf(values), false);
  return out.result ?? null;
}

function valueIn(r: VarRange, how: 'pivot' | 'lo' | 'hi'): unknown {
  if (!r.some) return undefined;
  if (r.kind === 'set') return how === 'hi' ? r.values[r.values.length - 1] : r.values[0];
  if (how === 'lo') return r.lo;
  if (how === 'hi') return r.hi;
  // A half-open range starts at its bound (0 shortfalls, 0 awards), an open one at 0.
  const loOpen = r.lo <= -1e300;
  const hiOpen = r.hi >= 1e300;
  if (loOpen && hiOpen) return 0;
  if (hiOpen) return r.lo;
  if (loOpen) return r.hi;
  return pivot(r);
}

/**
 * Input sets to start from, tried in order until the engine scores one: declared defaults with
 * the other inputs at a round middle value, at their minimum, at their maximum.
 */
export function findBaseline(d: Domain, p: PreparedDocument): Record<string, unknown> | null {
  for (const how of ['pivot', 'lo', 'hi'] as const) {
    const values: Record<string, unknown> = {};
    for (const input of d.inputs) {
      const r = d.ranges.get(input.key) as VarRange;
      values[input.key] = input.default !== undefined ? input.default : valueIn(r, how);
    }
    if (replay(p, values)) return values;
  }
  return null;
}

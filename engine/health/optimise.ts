/**
 * Coordinate search over inputs with the engine as the objective: the highest total a document
 * allows (a witness for a grade), and the moves that paths to a better grade are built from. Each
 * candidate is scored by the compiled engine; the answer is replayed by the interpreted engine.
 */
import type { RegionResult } from '../types.ts';
import type { PreparedDocument } from '../evaluate/prepare.ts';
import { compiledDocumentFor, scoreRegionCompiled } from '../compile/index.ts';
import { pivot } from './search.ts';
import { replay } from './baseline.ts';
import { regionOf, type Domain, type VarRange } from './domain.ts';

/** Scores an input set with the compiled engine (fast); null when it cannot be scored. */
export function quickScore(p: PreparedDocument, values: Record<string, unknown>): RegionResult | null {
  const out = scoreRegionCompiled(compiledDocumentFor(p), regionOf(values), false);
  return out.result ?? null;
}

/** Values worth trying for one input: its bounds, round values, the document's constants, others' values. */
export function candidateValues(d: Domain, key: string, others: Record<string, unknown>): unknown[] {
  const r = d.ranges.get(key) as VarRange;
  const out: unknown[] = [];
  const add = (v: unknown) => {
    if (!out.some((x) => Object.is(x, v))) out.push(v);
  };
  if (r.nul) add(undefined);
  if (r.kind === 'set') {
    r.values.forEach(add);
    return out;
  }
  const inRange = (x: number) => x >= r.lo && x <= r.hi && (r.kind === 'real' || Number.isInteger(x));
  const num = (x: number) => {
    if (Number.isFinite(x) && inRange(x)) add(x);
  };
  if (r.lo > -1e15) num(r.lo);
  if (r.hi < 1e15) num(r.hi);
  num(pivot(r));
  for (const x of [0, 1, 10, 100]) num(x);
  for (const c of d.constantsByVar.get(key) ?? []) for (const x of [c, c - 1, c + 1]) num(x);
  for (const v of Object.values(others)) if (typeof v === 'number') num(v);
  return out;
}

/**
 * The highest total the search finds, starting from `base` and from `base` with each item's
 * full-points witness applied; null when no start can be scored.
 */
export function maximiseTotal(
  p: PreparedDocument,
  d: Domain,
  base: Record<string, unknown>,
  witnesses: Record<string, unknown>[],
  deadline: number,
  passes = 3,
): RegionResult | null {
  const merged = Object.assign({}, base, ...witnesses);
  let point: Record<string, unknown> | null = null;
  let best: RegionResult | null = null;
  for (const start of [merged, base]) {
    const r = quickScore(p, start);
    if (r && (!best || r.total > best.total)) {
      best = r;
      point = { ...start };
    }
  }
  if (!point || !best) return null;
  let at: Record<string, unknown> = point;
  let top: RegionResult = best;
  const keys = d.inputs.map((i) => i.key);
  for (let pass = 0; pass < passes; pass++) {
    let improved = false;
    for (const key of keys) {
      if (performance.now() > deadline) break;
      for (const v of candidateValues(d, key, at)) {
        const trial: Record<string, unknown> = { ...at, [key]: v };
        const r = quickScore(p, trial);
        if (r && r.total > top.total) {
          top = r;
          at = trial;
          improved = true;
        }
      }
    }
    if (!improved) break;
  }
  return replay(p, at);
}

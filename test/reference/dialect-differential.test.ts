/**
 * Differential test of the JSON-logic dialect on values of every type (strings, booleans, null
 * mixed into arithmetic): the engine against json-logic-js itself.
 */
import { describe, test } from 'vitest';
import fc from 'fast-check';
import { evaluate } from '../../engine/index.ts';
import type { RefEvaluation } from './spec-evaluator.ts';
import {
  refOf,
  KNOWN,
  knownHits,
  resetKnownHits,
  compareEngine,
  assertValid,
  report,
  STATS,
  stats,
  bump,
  SEED,
  RUNS,
  show,
  sameValue,
} from '../helpers/diff-compare.ts';
import { mixedArb } from '../helpers/diff-mixed.ts';

describe('differential: the JSON-logic dialect on mixed-type values', () => {
  test('derived values and results equal the reference (json-logic-js itself) on every path', () => {
    resetKnownHits();
    fc.assert(
      fc.property(mixedArb, ({ document, data }) => {
        assertValid(document);
        const diffs = compareEngine(document, data);
        const ref = refOf(document, data);
        if (STATS) bump('dialect scored regions', ref.results.length);
        const derivedOf = (ev: RefEvaluation) =>
          Object.fromEntries(ev.results.map((r) => [r.region, r.derived]));
        const wanted = [derivedOf(ref), ...KNOWN.map((k) => derivedOf(refOf(document, data, k.opts)))];
        for (const mode of ['compiled', 'interpreted'] as const) {
          const eng = evaluate(document, data, { mode });
          const mismatches = (want: Record<string, Record<string, unknown>>) =>
            eng.results.flatMap((r) =>
              Object.entries(want[r.region] ?? {})
                .filter(([k, v]) => !sameValue(v, r.derived?.[k]))
                .map(
                  ([k, v]) =>
                    `${mode} ${r.region} derived ${k}: reference ${show(v)}, engine ${show(r.derived?.[k])}`,
                ),
            );
          const strict = mismatches(wanted[0]);
          if (strict.length === 0) continue;
          const k = KNOWN.findIndex((_, i) => mismatches(wanted[i + 1]).length === 0);
          if (k >= 0) knownHits[KNOWN[k].name] = (knownHits[KNOWN[k].name] ?? 0) + 1;
          else diffs.push(...strict);
        }
        if (diffs.length > 0) throw new Error(report(document, data, diffs));
      }),
      { seed: SEED, numRuns: Math.ceil(RUNS / 2) },
    );
    if (STATS) console.log(stats);
    if (Object.keys(knownHits).length > 0) console.info('known divergences hit (reported):', knownHits);
  });
});

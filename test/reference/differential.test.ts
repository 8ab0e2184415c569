/**
 * Differential test: the engine (and, fewer runs, the command line) against the independent
 * reference of SPEC section 3 in spec-evaluator.ts, on random valid documents and random datasets.
 * Every field SPEC section 4 names is compared; a divergence fails with the document, the data and
 * the differing fields.
 */
import { describe, test } from 'vitest';
import fc from 'fast-check';
import { caseArb } from '../helpers/diff-generate.ts';
import {
  knownHits,
  resetKnownHits,
  compareEngine,
  assertValid,
  report,
  STATS,
  stats,
  collectStats,
  SEED,
  RUNS,
} from '../helpers/diff-compare.ts';

describe('differential: engine vs SPEC §3 reference', () => {
  test('generated documents are valid', () => {
    fc.assert(
      fc.property(caseArb, ({ document }) => assertValid(document)),
      { seed: SEED, numRuns: 100 },
    );
  });

  test('random documents and datasets', () => {
    resetKnownHits();
    fc.assert(
      fc.property(caseArb, ({ document, data }) => {
        assertValid(document);
        const diffs = compareEngine(document, data);
        if (diffs.length > 0) throw new Error(report(document, data, diffs));
        if (STATS) collectStats(document, data);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    if (STATS) console.log(stats);
    if (Object.keys(knownHits).length > 0) console.info('known divergences hit (reported):', knownHits);
  });
});

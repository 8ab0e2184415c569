/**
 * Differential test of the command line (`ecoscore evaluate --json`, JSON and CSV data) against the
 * SPEC section 3 reference, on sampled random cases.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caseArb } from '../helpers/diff-generate.ts';
import { assertValid, report, SEED, CLI_RUNS, asCsv, compareCli, pool } from '../helpers/diff-compare.ts';

describe('differential: command line vs SPEC §3 reference', () => {
  test('ecoscore evaluate --json on sampled cases (JSON and CSV data)', { timeout: 600_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecoscore-diff-'));
    const samples = fc.sample(caseArb, { seed: SEED + 1, numRuns: CLI_RUNS });
    const tasks = samples.flatMap(({ document, data }, n) => {
      assertValid(document);
      const rules = join(dir, `rules-${n}.json`);
      writeFileSync(rules, JSON.stringify(document));
      const jsonFile = join(dir, `data-${n}.json`);
      writeFileSync(jsonFile, JSON.stringify(data));
      const run = [
        async () => ({
          document,
          data,
          diffs: await compareCli(document, data, jsonFile, rules, 'CLI (JSON)'),
        }),
      ];
      if (n % 2 === 0) {
        const { csv, typed } = asCsv(document, data, n);
        const csvFile = join(dir, `data-${n}.csv`);
        writeFileSync(csvFile, csv);
        run.push(async () => ({
          document,
          data: typed,
          diffs: await compareCli(document, typed, csvFile, rules, 'CLI (CSV)'),
        }));
      }
      return run;
    });
    const outcomes = await pool(4, tasks);
    const problems = outcomes
      .filter((o) => o.diffs.length > 0)
      .map((o) => report(o.document, o.data, o.diffs));
    expect(problems).toEqual([]);
  });
});

/** Streamed evaluation gives `evaluate`'s output, byte for byte, on every sample and golden case. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadCases } from '../../test/cases/load.ts';
import type { Dataset, RuleDocument } from '../types.ts';
import { evaluate } from './index.ts';
import { evaluateStreamed } from './stream.ts';

const root = new URL('../../', import.meta.url);
const readJson = (path: string) => JSON.parse(readFileSync(new URL(path, root), 'utf8'));

function same(doc: RuleDocument, data: Dataset, trace: boolean) {
  const whole = evaluate(doc, data, { trace });
  const s = evaluateStreamed(doc, data, { trace });
  const streamed = {
    rules: s.rules,
    dataset: s.dataset,
    results: [...s.results()],
    errors: s.errors,
    warnings: s.warnings,
  };
  expect(JSON.stringify(streamed)).toBe(JSON.stringify(whole));
  // In another order (by rank), each result is still the same.
  const order = s.ranking.map((_, i) => i).sort((a, b) => s.ranking[a].rank - s.ranking[b].rank || a - b);
  const byRegion = new Map(whole.results.map((r) => [r.region, JSON.stringify(r)]));
  for (const r of s.results(order)) expect(JSON.stringify(r)).toBe(byRegion.get(r.region));
}

describe('evaluateStreamed', () => {
  it('every sample year, with and without traces', () => {
    for (const year of [2021, 2022, 2023, 2024, 2025]) {
      const doc = readJson(`rules/jilin-eco-target/${year}.json`) as RuleDocument;
      for (const y of [year, 2025]) same(doc, readJson(`rules/sample-data/${y}.json`) as Dataset, true);
      same(doc, readJson(`rules/sample-data/${year}.json`) as Dataset, false);
    }
  });

  it('every golden case (errors, ties, caps, vetoes)', () => {
    const cases = loadCases();
    expect(cases.length).toBeGreaterThan(5);
    for (const c of cases) same(c.document, c.data, true);
  });

  it('more regions than a group (600, some with errors)', () => {
    const doc = readJson('rules/jilin-eco-target/2025.json') as RuleDocument;
    const sample = readJson('rules/sample-data/2025.json') as Dataset;
    const regions = Array.from({ length: 600 }, (_, i) => {
      const from = sample.regions[i % sample.regions.length];
      const values = { ...from.values };
      if (i % 97 === 5) delete values[Object.keys(values)[0]];
      return { code: `R${String(i).padStart(3, '0')}`, name: from.name, values };
    });
    same(doc, { year: 2025, regions }, true);
  });
});

/**
 * Benchmark data: regions made from the sample data with seeded jitter, shared by the benchmarks.
 */
import { readFileSync } from 'node:fs';
import type { Dataset, RegionData, RuleDocument } from '../engine/index.ts';
import { mulberry32 } from '../engine/sensitivity/prng.ts';

const root = new URL('../', import.meta.url);
export const readJson = (path: string) => JSON.parse(readFileSync(new URL(path, root), 'utf8'));

/** Regions made from `base` with ±jitter on every number (seeded), kept within min/max. */
export function synthesize(
  doc: RuleDocument,
  base: RegionData[],
  n: number,
  seed: number,
  jitter = 0.05,
): Dataset {
  const rnd = mulberry32(seed);
  const regions: RegionData[] = [];
  for (let j = 0; j < n; j++) {
    const from = base[j % base.length];
    const values: Record<string, unknown> = { ...from.values };
    for (const input of doc.inputs) {
      const v = values[input.key];
      if (typeof v !== 'number') continue;
      let x = v * (1 + jitter * (2 * rnd() - 1));
      if (input.min !== undefined) x = Math.max(input.min, x);
      if (input.max !== undefined) x = Math.min(input.max, x);
      values[input.key] = input.type === 'integer' ? Math.round(x) : Math.round(x * 100) / 100;
    }
    // last year's values (schema version 2), jittered the same way
    const previous: Record<string, unknown> | undefined = from.previous && { ...from.previous };
    for (const input of doc.inputs) {
      const v = previous?.[input.key];
      if (!previous || typeof v !== 'number') continue;
      let x = v * (1 + jitter * (2 * rnd() - 1));
      if (input.min !== undefined) x = Math.max(input.min, x);
      if (input.max !== undefined) x = Math.min(input.max, x);
      previous[input.key] = input.type === 'integer' ? Math.round(x) : Math.round(x * 100) / 100;
    }
    regions.push({
      code: `S${String(j + 1).padStart(String(n).length, '0')}`,
      name: `合成地区${j + 1}`,
      values,
      ...(previous ? { previous } : {}),
    });
  }
  return { year: doc.year, regions };
}

/** The 2025 sample document and `n` regions made from its sample data. */
export function sample2025(n: number, seed = 2025): { doc: RuleDocument; data: Dataset } {
  const doc = readJson('rules/jilin-eco-target/2025.json') as RuleDocument;
  const sample = readJson('rules/sample-data/2025.json') as Dataset;
  return { doc, data: n === sample.regions.length ? sample : synthesize(doc, sample.regions, n, seed) };
}

/** `ecoscore evaluate --json` streams its output: the same text as one JSON.stringify of everything. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { evaluate } from '../../engine/index.ts';
import { evaluateStreamed } from '../../engine/evaluate/stream.ts';
import type { Dataset, RuleDocument } from '../../engine/types.ts';
import { writeJsonStreamed } from './evaluate.ts';

const root = new URL('../../', import.meta.url);
const readJson = (path: string) => JSON.parse(readFileSync(new URL(path, root), 'utf8'));

function both(doc: RuleDocument, data: Dataset): [string, string] {
  const ev = evaluate(doc, data);
  const whole =
    JSON.stringify(
      { rules: ev.rules, dataset: ev.dataset, results: ev.results, errors: ev.errors, warnings: ev.warnings },
      null,
      2,
    ) + '\n';
  let text = '';
  writeJsonStreamed({ stdout: (t) => (text += t), stderr: () => {}, cwd: '.' }, evaluateStreamed(doc, data));
  return [text, whole];
}

describe('writeJsonStreamed', () => {
  const doc = readJson('rules/jilin-eco-target/2025.json') as RuleDocument;
  it('writes what JSON.stringify(…, null, 2) writes, on the sample', () => {
    const [text, whole] = both(doc, readJson('rules/sample-data/2025.json'));
    expect(text).toBe(whole);
  });
  it('and with no region scored (an empty results list)', () => {
    const [text, whole] = both(doc, { year: 2025, regions: [{ code: 'X', name: 'x', values: {} }] });
    expect(text).toContain('"results": []');
    expect(text).toBe(whole);
  });
});

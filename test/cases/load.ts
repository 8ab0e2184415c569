/**
 * Golden cases (test/cases/*.json): a document (inline, or a base file plus top-level patch), a
 * dataset, and the expected results. The same cases run through every path we ship: the engine,
 * the command line and the HTTP API.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Dataset, Evaluation, RegionResult, RuleDocument } from '../../engine/index.ts';

const dir = fileURLToPath(new URL('.', import.meta.url));

export interface ExpectedResult {
  total?: number;
  base?: number;
  bonus?: number;
  bonusUncapped?: number;
  scoreGrade?: string;
  grade?: string;
  rank?: number;
  vetoes?: string[];
  downgrades?: string[];
  caps?: string[];
  /** Points per item or bonus item id. */
  items?: Record<string, number>;
  /** Raw value per item id. */
  raw?: Record<string, number>;
  /** Exactly the ids of the items that were clamped. */
  clamped?: string[];
}

export interface GoldenCase {
  name: string;
  description: string;
  document: RuleDocument;
  data: Dataset;
  expected: {
    exitCode: 0 | 1;
    results: Record<string, ExpectedResult>;
    errors: { region: string; key?: string; item?: string; code: string }[];
    warnings?: number;
  };
}

/** Every golden case, by file name. */
export function loadCases(): GoldenCase[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.startsWith('_'))
    .sort()
    .map((file) => {
      const raw = JSON.parse(readFileSync(dir + file, 'utf8'));
      const document = raw.document ?? {
        ...JSON.parse(readFileSync(dir + raw.base, 'utf8')),
        ...(raw.patch ?? {}),
      };
      return {
        name: file.replace(/\.json$/, ''),
        description: raw.description,
        document,
        data: raw.data,
        expected: raw.expected,
      };
    });
}

/** The differences between an evaluation and a case's expectations (empty when they agree). */
export function compareWithExpected(
  c: GoldenCase,
  ev: Pick<Evaluation, 'results' | 'errors' | 'warnings'>,
): string[] {
  const diffs: string[] = [];
  const byRegion = new Map(ev.results.map((r) => [r.region, r]));
  const expectedCodes = Object.keys(c.expected.results).sort();
  const actualCodes = [...byRegion.keys()].sort();
  if (JSON.stringify(expectedCodes) !== JSON.stringify(actualCodes))
    diffs.push(`scored regions: expected ${expectedCodes.join(',')}, got ${actualCodes.join(',')}`);
  for (const [code, exp] of Object.entries(c.expected.results)) {
    const r = byRegion.get(code);
    if (!r) continue;
    diffs.push(...compareResult(code, exp, r));
  }
  const errKey = (e: { region: string; key?: string; item?: string; code: string }) =>
    `${e.region}|${e.key ?? ''}|${e.item ?? ''}|${e.code}`;
  const expErr = c.expected.errors.map(errKey).sort();
  const gotErr = ev.errors.map(errKey).sort();
  if (JSON.stringify(expErr) !== JSON.stringify(gotErr))
    diffs.push(`errors: expected ${expErr.join(' ; ')}, got ${gotErr.join(' ; ')}`);
  if (c.expected.warnings !== undefined && ev.warnings.length !== c.expected.warnings)
    diffs.push(`warnings: expected ${c.expected.warnings}, got ${ev.warnings.length}`);
  return diffs;
}

function compareResult(code: string, exp: ExpectedResult, r: RegionResult): string[] {
  const diffs: string[] = [];
  const eq = (field: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b))
      diffs.push(`${code}.${field}: expected ${JSON.stringify(a)}, got ${JSON.stringify(b)}`);
  };
  for (const f of ['total', 'base', 'bonus', 'bonusUncapped', 'scoreGrade', 'grade', 'rank'] as const)
    if (exp[f] !== undefined) eq(f, exp[f], r[f]);
  for (const f of ['vetoes', 'downgrades', 'caps'] as const)
    if (exp[f] !== undefined) eq(f, [...exp[f]].sort(), [...r[f]].sort());
  const items = new Map<string, { points: number | null; raw: number | null; clamped: boolean }>();
  for (const cat of r.categories) for (const it of cat.items) items.set(it.id, it);
  for (const b of r.bonusItems) items.set(b.id, b);
  for (const [id, pts] of Object.entries(exp.items ?? {})) eq(`items.${id}`, pts, items.get(id)?.points);
  for (const [id, raw] of Object.entries(exp.raw ?? {})) eq(`raw.${id}`, raw, items.get(id)?.raw);
  if (exp.clamped)
    eq(
      'clamped',
      [...exp.clamped].sort(),
      [...items.entries()]
        .filter(([, it]) => it.clamped)
        .map(([id]) => id)
        .sort(),
    );
  // Sums are consistent whatever the case says.
  const sum = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) * 1e6) / 1e6;
  for (const cat of r.categories)
    if (cat.items.every((i) => i.points !== null))
      eq(`categories.${cat.id}.points`, sum(cat.items.map((i) => i.points as number)), cat.points);
  eq('base (sum of categories)', sum(r.categories.map((c) => c.points)), r.base);
  eq('total (base + bonus)', sum([r.base, r.bonus]), r.total);
  return diffs;
}

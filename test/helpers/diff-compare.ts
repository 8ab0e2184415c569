/** Comparing the engine with the SPEC §3 reference: normalising, reporting, known divergences, statistics, small edge cases and CSV forms of datasets. */
import { expect } from 'vitest';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { evaluate, validateDocument } from '../../engine/index.ts';
import type { Dataset, Evaluation, RuleDocument } from '../../engine/index.ts';
import { runCli } from './cli.ts';
import { evaluateReference } from '../reference/spec-evaluator.ts';
import type { RefDocument, RefEvaluation, RefOptions } from '../reference/spec-evaluator.ts';
import { Json, InputSpec, label } from './diff-generate.ts';

export const num = (x: unknown) => (typeof x === 'number' && Object.is(x, -0) ? 0 : x); // JSON cannot tell -0 from 0
export const sorted = (xs: unknown) => (Array.isArray(xs) ? [...xs].map(String).sort() : xs);

/** The fields SPEC section 4 names (plus category and bonus-item points), keyed by region. */
export function normalize(ev: { results: any[]; errors: any[] }): {
  results: Record<string, unknown>;
  errors: string[];
  failed: string[];
} {
  const results: Record<string, unknown> = {};
  for (const r of ev.results) {
    results[r.region] = {
      name: r.name,
      total: num(r.total),
      base: num(r.base),
      bonus: num(r.bonus),
      scoreGrade: r.scoreGrade,
      grade: r.grade,
      rank: r.rank,
      vetoes: sorted(r.vetoes),
      downgrades: sorted(r.downgrades),
      caps: sorted(r.caps),
      categories: (r.categories ?? []).map((c: any) => ({
        id: c.id,
        points: num(c.points),
        items: (c.items ?? []).map((i: any) => ({
          id: i.id,
          points: num(i.points),
          maxPoints: num(i.maxPoints),
          raw: num(i.raw),
          clamped: i.clamped,
        })),
      })),
      bonusItems: (r.bonusItems ?? []).map((b: any) => ({ id: b.id, points: num(b.points) })),
    };
  }
  const errors = ev.errors.map((e: any) => `${e.region} ${e.key ?? ''} ${e.item ?? ''}`.trim()).sort();
  const failed = [...new Set(ev.errors.map((e: any) => String(e.region)))].sort();
  return { results, errors, failed };
}

/** Paths where two normalized evaluations differ. */
export function differences(a: unknown, b: unknown, path = ''): string[] {
  if (typeof a === 'number' && typeof b === 'number') {
    return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)) ? [] : [`${path}: ${a} ≠ ${b}`];
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    return a === b ? [] : [`${path}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`];
  }
  const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
  return [...keys].flatMap((k) => differences((a as any)[k], (b as any)[k], `${path}/${k}`));
}

export function refOf(document: RuleDocument, data: Dataset, opts: RefOptions = {}): RefEvaluation {
  return evaluateReference(document as unknown as RefDocument, data, opts);
}

/**
 * Divergences already found and reported (see the hand-written cases below). A case whose only
 * differences vanish when the reference imitates the engine on these points counts as known, not
 * as a failure, so that the random search keeps looking for new ones.
 */
export const KNOWN: { name: string; opts: RefOptions }[] = [];
export const knownHits: Record<string, number> = {};
export const resetKnownHits = () => Object.keys(knownHits).forEach((k) => delete knownHits[k]);

export function known(
  document: RuleDocument,
  data: Dataset,
  other: ReturnType<typeof normalize>,
): string | undefined {
  const all: RefOptions = Object.assign({}, ...KNOWN.map((k) => k.opts));
  if (differences(normalize(refOf(document, data, all)), other).length > 0) return undefined;
  const names = KNOWN.filter(
    (k) => differences(normalize(refOf(document, data, k.opts)), other).length === 0,
  ).map((k) => k.name);
  return names.length > 0 ? names.join(' + ') : KNOWN.map((k) => k.name).join(' + ');
}

export function compareEngine(document: RuleDocument, data: Dataset): string[] {
  const ref = normalize(refOf(document, data));
  const eng = evaluate(document, data);
  const out: string[] = [];
  // The default path, and the engine's other paths on fresh copies of the inputs.
  const paths: [string, Evaluation][] = [
    ['engine', eng],
    [
      'engine (interpreted)',
      evaluate(structuredClone(document), structuredClone(data), { mode: 'interpreted' }),
    ],
    ['engine (trace: false)', evaluate(structuredClone(document), structuredClone(data), { trace: false })],
  ];
  for (const [name, ev] of paths) {
    const norm = normalize(ev);
    const d = differences(ref, norm);
    if (d.length === 0) continue;
    const k = known(document, data, norm);
    if (k !== undefined) knownHits[k] = (knownHits[k] ?? 0) + 1;
    else out.push(...d.map((x) => `reference vs ${name} ${x}`));
  }
  const want = createHash('sha256').update(canonicalize(document)!).digest('hex');
  if (!eng.rules.hash.includes(want))
    out.push(`rules.hash ${eng.rules.hash} is not SHA-256(RFC 8785) ${want}`);
  return out;
}

export function assertValid(document: RuleDocument): void {
  const problems = validateDocument(document, { runTests: false });
  if (problems.length > 0) {
    throw new Error(
      `generated document refused by the engine:\n${JSON.stringify(problems, null, 1)}\n${JSON.stringify(document)}`,
    );
  }
}

/** The failing case, also written to $TMPDIR/ecoscore-differential-failure.json for replaying. */
export function report(document: RuleDocument, data: Dataset, diffs: string[]): string {
  writeFileSync(
    join(tmpdir(), 'ecoscore-differential-failure.json'),
    JSON.stringify({ document, data, diffs }, null, 1),
  );
  return `${diffs.join('\n')}\nRULES ${JSON.stringify(document)}\nDATA ${JSON.stringify(data)}`;
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

export const STATS = !!process.env.DIFF_STATS;
export const stats: Record<string, number> = {};
export const bump = (k: string, n = 1) => (stats[k] = (stats[k] ?? 0) + n);
/** How much of the semantics the generated cases exercise (DIFF_STATS=1). */
export function collectStats(document: RuleDocument, data: Dataset): void {
  const ref = refOf(document, data);
  bump('cases');
  bump('regions', data.regions.length);
  bump('scored', ref.results.length);
  for (const e of ref.errors)
    bump(
      `error:${e.key ? 'input:' : 'item:'}${e.reason.split(':')[0]}${e.item ? ':' + e.reason.split(': ')[1] : ''}`,
    );
  for (const r of ref.results) {
    if (r.vetoes.length) bump('veto');
    if (r.downgrades.length) bump('downgrade');
    if (r.caps.length) bump('cap');
    if (r.grade !== r.scoreGrade) bump('grade moved');
    if (r.bonus > 0) bump('bonus>0');
    if (ref.results.some((o) => o !== r && o.rank === r.rank)) bump('tied rank');
    for (const c of r.categories)
      for (const i of c.items) {
        bump('items');
        if (i.clamped) bump('items clamped');
        if (i.points !== i.raw && !i.clamped) bump('items rounded');
        const s = String(i.raw);
        if (/\.\d*5$/.test(s)) bump('raw ends in 5');
      }
  }
  if (ref.warnings.length) bump('warnings');
}

export const SEED = Number(process.env.DIFF_SEED ?? 20240501);
export const RUNS = Number(process.env.DIFF_RUNS ?? 400);
export const CLI_RUNS = Number(process.env.DIFF_CLI_RUNS ?? 8);

export const show = (v: unknown) =>
  Object.is(v, -0) ? '-0' : typeof v === 'number' ? String(v) : JSON.stringify(v);

/** Derived values compared exactly (NaN equals NaN; -0 and 0 differ: 1 / x tells them apart). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
  return JSON.stringify(a) === JSON.stringify(b);
}

// ---------------------------------------------------------------------------------------------
// Hand-written edge cases: each states what SPEC §3 requires, checked on the reference and the engine
// ---------------------------------------------------------------------------------------------

/** A small document: inputs x (number), y (number, default 0), flag (boolean, default false). */
export function small(
  patch: Record<string, unknown> = {},
  items?: { maxPoints: number; logic: Json }[],
): RuleDocument {
  const its = items ?? [
    { maxPoints: 60, logic: { var: 'x' } },
    { maxPoints: 40, logic: { var: 'y' } },
  ];
  const max = its.reduce((a, i) => a + i.maxPoints, 0);
  return {
    schemaVersion: 1,
    family: 'edge',
    year: 2024,
    title: label('边界'),
    maxScore: max,
    inputs: [
      { key: 'x', label: label('x'), type: 'number' },
      { key: 'y', label: label('y'), type: 'number', default: 0 },
      { key: 'flag', label: label('flag'), type: 'boolean', default: false },
      { key: 'flag2', label: label('flag2'), type: 'boolean', default: false },
    ],
    categories: [
      {
        id: 'c',
        label: label('c'),
        maxPoints: max,
        items: its.map((i, n) => ({ id: `i${n}`, label: label('i'), ...i })),
      },
    ],
    grades: [
      { id: 'excellent', label: label('优秀'), min: 90 },
      { id: 'good', label: label('良好'), min: 80 },
      { id: 'qualified', label: label('合格'), min: 60 },
      { id: 'unqualified', label: label('不合格'), min: 0 },
    ],
    ...patch,
  } as unknown as RuleDocument;
}
export const regions = (...values: Record<string, unknown>[]): Dataset => ({
  regions: values.map((v, i) => ({ code: `R${i + 1}`, name: `地区${i + 1}`, values: v })),
});

/** Checks the reference against SPEC-stated values, then the engine against the reference. */
export function edge(document: RuleDocument, data: Dataset, check: (ref: RefEvaluation) => void): void {
  assertValid(document);
  const ref = refOf(document, data);
  check(ref);
  const diffs = differences(normalize(ref), normalize(evaluate(document, data)));
  expect(diffs, report(document, data, diffs)).toEqual([]);
}
export const byRegion = (ev: RefEvaluation, code: string) => ev.results.find((r) => r.region === code)!;
export const itemPoints = (ev: RefEvaluation, code: string) =>
  Object.fromEntries(byRegion(ev, code).categories.flatMap((c) => c.items.map((i) => [i.id, i.points])));

/**
 * The dataset as a CSV file (SPEC §4: columns code, name, one per input key; an optional second
 * header row starting with #; booleans as true/false/1/0/是/否; empty cells are missing values), and
 * the values the reference should see for it under our reading of those rules: a number column
 * holds decimal literals, anything else in it is a value of the wrong type.
 */
export function asCsv(document: RuleDocument, data: Dataset, n: number): { csv: string; typed: Dataset } {
  const inputs = document.inputs as unknown as InputSpec[];
  const keys = [
    ...new Set([...inputs.map((i) => i.key), ...data.regions.flatMap((r) => Object.keys(r.values))]),
  ];
  const typeOf = new Map(inputs.map((i) => [i.key, i.type]));
  let spelling = n;
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'boolean') return (v ? ['true', '1', '是'] : ['false', '0', '否'])[spelling++ % 3];
    return String(v);
  };
  const parse = (key: string, text: string): unknown => {
    const type = typeOf.get(key);
    if (type === 'number' || type === 'integer')
      return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : text;
    if (type === 'boolean') {
      if (['true', '1', '是'].includes(text)) return true;
      if (['false', '0', '否'].includes(text)) return false;
    }
    return text;
  };
  const lines = [['code', 'name', ...keys].join(',')];
  if (n % 2 === 0) lines.push(['#编码', '名称', ...keys.map((k) => `标签${k}`)].join(','));
  const typed: Dataset = { regions: [] };
  for (const r of data.regions) {
    const cells = keys.map((k) => cell(r.values[k]));
    lines.push([r.code, r.name, ...cells].join(','));
    const values: Record<string, unknown> = {};
    keys.forEach((k, i) => {
      if (cells[i] !== '') values[k] = parse(k, cells[i]);
    });
    typed.regions.push({ code: r.code, name: r.name, values });
  }
  return { csv: lines.join('\n') + '\n', typed };
}

export async function compareCli(
  document: RuleDocument,
  data: Dataset,
  dataFile: string,
  rulesFile: string,
  what: string,
) {
  const out = await runCli(['evaluate', rulesFile, dataFile, '--json']);
  const ref = refOf(document, data);
  const diffs: string[] = [];
  const wantCode = ref.errors.length > 0 ? 1 : 0;
  if (out.code !== wantCode)
    diffs.push(`${what}: exit code ${out.code}, expected ${wantCode}: ${out.stderr.slice(0, 500)}`);
  let parsed: Evaluation | undefined;
  try {
    parsed = JSON.parse(out.stdout);
  } catch {
    diffs.push(`${what}: stdout is not JSON: ${out.stdout.slice(0, 200)}`);
  }
  if (parsed) {
    const cliNorm = normalize(parsed);
    const d = differences(normalize(ref), cliNorm);
    if (d.length > 0 && known(document, data, cliNorm) === undefined)
      diffs.push(...d.map((x) => `reference vs ${what} ${x}`));
    const want = createHash('sha256').update(canonicalize(document)!).digest('hex');
    if (!String(parsed.rules?.hash).includes(want))
      diffs.push(`${what} rules.hash ${parsed.rules?.hash} ≠ ${want}`);
    if (parsed.rules?.family !== document.family || parsed.rules?.year !== document.year)
      diffs.push(`${what} rules.family/year`);
  }
  return diffs;
}

/** Runs `tasks` with at most `limit` at a time. */
export async function pool<T>(limit: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]();
      }
    }),
  );
  return results;
}

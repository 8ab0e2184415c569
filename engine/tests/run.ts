/**
 * A rule document's own `tests` (SPEC section 2), run by the same evaluation code as everything
 * else. A test passes when every expected field equals the evaluation's (numbers compared after
 * rounding to the document's precision; lists of ids compared as sets).
 */
import type { Problem, RegionError, RegionResult, RuleDocument, DocumentTest } from '../types.ts';
import { prepareDocument, type PreparedDocument } from '../evaluate/prepare.ts';
import { scoreRegion } from '../evaluate/score.ts';
import { roundHalfAway } from '../numeric/round.ts';
import { problem } from '../validate/problem.ts';
import { describeFailure } from './names.ts';

export interface TestFailure {
  /** The expectation that failed: `total`, `grade`, `items/pm25`, … */
  field: string;
  expected: unknown;
  actual: unknown;
}

export interface TestOutcome {
  name: string;
  passed: boolean;
  failures: TestFailure[];
  /** Why the test's inputs could not be scored, if they could not. */
  errors: RegionError[];
  result?: RegionResult;
}

/** Runs every test of a valid document. */
export function runDocumentTests(doc: RuleDocument): TestOutcome[] {
  const tests = doc.tests ?? [];
  if (tests.length === 0) return [];
  const p = prepareDocument(doc);
  return tests.map((t, i) => runOne(p, t, i));
}

function runOne(p: PreparedDocument, t: DocumentTest, i: number): TestOutcome {
  const outcome = scoreRegion(
    p,
    {
      code: `test-${i + 1}`,
      name: t.name,
      values: t.inputs,
      ...(t.previous !== undefined ? { previous: t.previous } : {}),
    },
    true,
  );
  if (!outcome.result) return { name: t.name, passed: false, failures: [], errors: outcome.errors };
  const r = { ...outcome.result, rank: 1 };
  const digits = p.precision;
  const failures: TestFailure[] = [];
  const e = t.expect;
  const num = (field: string, expected: number | undefined, actual: number) => {
    if (expected === undefined) return;
    if (roundHalfAway(expected, digits) !== roundHalfAway(actual, digits))
      failures.push({ field, expected, actual });
  };
  num('total', e.total, r.total);
  num('base', e.base, r.base);
  num('bonus', e.bonus, r.bonus);
  for (const f of ['scoreGrade', 'grade'] as const)
    if (e[f] !== undefined && e[f] !== r[f]) failures.push({ field: f, expected: e[f], actual: r[f] });
  if (e.items) {
    const points = new Map<string, number | null>();
    for (const c of r.categories) for (const it of c.items) points.set(it.id, it.points);
    for (const b of r.bonusItems) points.set(b.id, b.points);
    for (const [id, expected] of Object.entries(e.items)) {
      const actual = points.get(id);
      if (actual === undefined) failures.push({ field: `items/${id}`, expected, actual: null });
      // null: the item does not apply (schema version 2).
      else if (expected === null || actual === null) {
        if (expected !== actual) failures.push({ field: `items/${id}`, expected, actual });
      } else num(`items/${id}`, expected, actual);
    }
  }
  for (const f of ['vetoes', 'downgrades', 'caps'] as const) {
    const expected = e[f];
    if (!expected) continue;
    const a = [...r[f]].sort();
    const x = [...expected].sort();
    if (a.length !== x.length || a.some((v, j) => v !== x[j]))
      failures.push({ field: f, expected, actual: r[f] });
  }
  return { name: t.name, passed: failures.length === 0, failures, errors: [], result: r };
}

/** The failures of a document's tests as validation problems. */
export function testProblems(doc: RuleDocument): Problem[] {
  const out: Problem[] = [];
  runDocumentTests(doc).forEach((o, i) => {
    for (const err of o.errors)
      out.push(
        problem(
          `/tests/${i}/inputs${err.key ? `/${err.key}` : ''}`,
          'test_error',
          `测试 "${o.name}" 无法计分：${err.message.split(' / ')[0]}`,
          `Test "${o.name}" could not be scored: ${err.message.split(' / ')[1] ?? err.message}`,
        ),
      );
    for (const f of o.failures) {
      const said = describeFailure(doc, f);
      out.push(
        problem(
          `/tests/${i}/expect/${f.field}`,
          'test_failed',
          `测试“${o.name}”未通过：${said.zh}。`,
          `Test "${o.name}" failed: ${said.en}.`,
        ),
      );
    }
  });
  return out;
}

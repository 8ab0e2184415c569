import { expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { validateDocument } from '../index.ts';

const base = () => JSON.parse(readFileSync(new URL('../../test/cases/_base.json', import.meta.url), 'utf8'));

test('a formula of 64 nested operations is accepted, 65 refused', () => {
  const nest = (n: number) => {
    let f: unknown = { var: 'a' };
    for (let i = 1; i < n; i++) f = { '+': [f, 0] };
    return f;
  };
  const ok = base();
  ok.categories[0].items[0].logic = nest(64);
  expect(validateDocument(ok)).toEqual([]);
  const bad = base();
  bad.categories[0].items[0].logic = nest(65);
  expect(validateDocument(bad).map((p) => p.code)).toEqual(['too_deep']);
});

test('arrays nested 100,000 deep are refused without exhausting the stack', () => {
  const doc = base();
  let arr: unknown = 1;
  for (let i = 0; i < 100_000; i++) arr = [arr];
  doc.categories[0].items[0].logic = { '+': [arr, 1] };
  const problems = validateDocument(doc);
  expect(problems.map((p) => `${p.code} ${p.path}`)).toEqual(['too_deep /categories/0/items/0/logic']);
});

test('every problem at once: schema and semantic problems in one list', () => {
  const doc = base();
  doc.extra = true;
  doc.grades[3].min = 5;
  doc.categories[0].items[0].logic = { var: 'nope' };
  doc.caps[0].maxGrade = 'best';
  expect(
    validateDocument(doc)
      .map((p) => p.code)
      .sort(),
  ).toEqual(['grade_last_min', 'unknown_field', 'unknown_grade', 'unknown_variable'].sort());
});

test('validation does not run the tests of a structurally invalid document, and reports failing ones otherwise', () => {
  const doc = base();
  doc.tests = [{ name: 't', inputs: { a: 50, b: 50 }, expect: { total: 100, grade: 'excellent' } }];
  expect(validateDocument(doc)).toEqual([]);
  doc.tests[0].expect.total = 99;
  expect(validateDocument(doc).map((p) => p.path)).toEqual(['/tests/0/expect/total']);
  expect(validateDocument(doc, { runTests: false })).toEqual([]);
});

test.each([
  [{ var: '__proto__' }, 'reserved_name'],
  [{ var: 'constructor' }, 'reserved_name'],
  [{ var: ['prototype', 0] }, 'reserved_name'],
  [{ missing: ['toString'] }, 'unknown_variable'],
  [{ var: 'a.b' }, 'unknown_variable'],
  [{ var: [{ var: 'a' }] }, 'computed_variable'],
  [{ var: null }, 'empty_variable'],
  [{ var: [] }, 'empty_variable'],
])('variable name %j is refused as %s', (logic, code) => {
  const doc = base();
  doc.categories[0].items[0].logic = { '+': [logic, 1] };
  expect(validateDocument(doc).map((p) => `${p.code} ${p.path}`)).toEqual([
    `${code} /categories/0/items/0/logic`,
  ]);
});

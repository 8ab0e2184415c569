/**
 * The compiled formulas (engine/compile/) against json-logic-js 2.0.5: differential tests driven
 * by data. (The numeric programs: compile-equivalence-vm.test.ts; whole documents in both modes:
 * compile-equivalence-documents.test.ts.)
 *
 * 1. Every case of the official JSON-logic conformance suite (test/data/jsonlogic-official-tests.json,
 *    vendored from the suite published with json-logic-js) whose operations are all in our dialect.
 * 2. Random formulas over every operation of the dialect (custom ones included) and random scalar
 *    data (fast-check): identical results, NaN equal to NaN, -0 told apart from 0, and a thrown
 *    error on one side only when the other throws the same message — on plain data objects and on
 *    the slot arrays the pipeline uses.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { ALLOWED_OPERATIONS, logic as jsonLogic } from '../engine/index.ts';
import { compileLogic, COMPILERS, CompileError, type Scope } from '../engine/compile/index.ts';
import { formulaArb, readJson, run, same, sameOutcome, scalarArb, show } from './helpers/equivalence.ts';

// ---------------------------------------------------------------------------------------------
// 1. The official conformance suite

/** The operations a formula uses (every one-key object counts, as json-logic-js decides). */
function operationsIn(rule: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(rule)) rule.forEach((r) => operationsIn(r, out));
  else if (rule && typeof rule === 'object' && Object.keys(rule).length === 1) {
    const op = Object.keys(rule)[0];
    out.add(op);
    operationsIn((rule as Record<string, unknown>)[op], out);
  }
  return out;
}

describe('official JSON-logic conformance suite', () => {
  const all = (readJson('test/data/jsonlogic-official-tests.json') as unknown[]).filter(Array.isArray) as [
    unknown,
    unknown,
    unknown,
  ][];
  const ours = all.filter(([rule]) => [...operationsIn(rule)].every((op) => ALLOWED_OPERATIONS.has(op)));
  const others = all.filter((c) => !ours.includes(c));

  test('the vendored suite is complete and most of it is in our dialect', () => {
    expect(all.length).toBe(277);
    expect(ours.length).toBeGreaterThan(220);
  });

  test.each(ours.map((c, i) => [i, JSON.stringify(c[0]), c] as const))(
    'case %i: %s',
    (_i, _text, [rule, data, expected]) => {
      const reference = run(() => jsonLogic.apply(rule as never, data));
      const compiled = run(() => compileLogic(rule)(data));
      expect(sameOutcome(compiled, reference), `${show(compiled)} vs json-logic-js ${show(reference)}`).toBe(
        true,
      );
      expect(
        compiled.ok && same(compiled.value, expected),
        `${show(compiled)} vs suite ${JSON.stringify(expected)}`,
      ).toBe(true);
    },
  );

  test('operations outside the dialect are refused at compile time', () => {
    for (const [rule] of others) expect(() => compileLogic(rule)).toThrow(CompileError);
  });
});

test('the compiler has an entry for exactly the operations of the dialect', () => {
  expect(Object.keys(COMPILERS).sort()).toEqual([...ALLOWED_OPERATIONS].sort());
});

// ---------------------------------------------------------------------------------------------
// 2. Random formulas and data

const KEYS = ['a', 'b', 'c', 's', 't'] as const;
const NAMES = [...KEYS, 'absent', 'a.b', 's.length'];

const dataArb = fc.record(
  Object.fromEntries(KEYS.map((k) => [k, fc.option(scalarArb, { nil: undefined })])),
) as fc.Arbitrary<Record<string, unknown>>;

/** The pipeline's scope: one slot per key, an object view for everything dynamic. */
function slotScope(names: readonly string[]): Scope {
  const slotByName = new Map(names.map((n, i) => [n, i]));
  return {
    slotOf: (n) => slotByName.get(n),
    view: (env: unknown[]) => {
      const o: Record<string, unknown> = Object.create(null);
      names.forEach((n, i) => {
        if (env[i] !== undefined) o[n] = env[i];
      });
      return o;
    },
  };
}

describe('random formulas and data (fast-check)', () => {
  test('plain data objects: compiled === json-logic-js', () => {
    fc.assert(
      fc.property(formulaArb([...NAMES, '']), dataArb, (rule, data) => {
        for (const k of KEYS) if (data[k] === undefined) delete data[k];
        const reference = run(() => jsonLogic.apply(rule as never, data));
        const compiled = run(() => compileLogic(rule)(data));
        if (!sameOutcome(compiled, reference))
          throw new Error(
            `${JSON.stringify(rule)} on ${JSON.stringify(data)}: ${show(compiled)} vs ${show(reference)}`,
          );
      }),
      { numRuns: Number(process.env.EQ_RUNS ?? 4000) },
    );
  });

  test('slot arrays (the pipeline): compiled === json-logic-js on a prototype-free data object', () => {
    const scope = slotScope(KEYS);
    fc.assert(
      fc.property(formulaArb(NAMES), dataArb, (rule, data) => {
        const ctx: Record<string, unknown> = Object.create(null);
        const slots = KEYS.map((k) => data[k]);
        KEYS.forEach((k) => {
          if (data[k] !== undefined) ctx[k] = data[k];
        });
        const reference = run(() => jsonLogic.apply(rule as never, ctx));
        const compiled = run(() => compileLogic(rule, scope)(slots));
        if (!sameOutcome(compiled, reference))
          throw new Error(
            `${JSON.stringify(rule)} on ${JSON.stringify(data)}: ${show(compiled)} vs ${show(reference)}`,
          );
      }),
      { numRuns: Number(process.env.EQ_RUNS ?? 4000) },
    );
  });

  test('edge cases named in the dialect', () => {
    const cases: [unknown, unknown][] = [
      [{ '*': [] }, {}],
      [{ '*': ['2'] }, {}],
      [{ '*': [-1, 0, 3] }, {}],
      [{ '+': [-0] }, {}],
      [{ '+': '3.5x' }, {}],
      [{ '-': [] }, {}],
      [{ '-': [1, { and: [] }] }, {}],
      [{ '/': [1, 0] }, {}],
      [{ '/': [0, 0] }, {}],
      [{ '%': [5, 0] }, {}],
      [{ max: [] }, {}],
      [{ min: [] }, {}],
      [{ '==': [1, '1'] }, {}],
      [{ '==': [null, 0] }, {}],
      [{ '==': [[], false] }, {}],
      [{ '!': [[]] }, {}],
      [{ '!!': ['0'] }, {}],
      [{ if: [] }, {}],
      [{ if: [false, 1] }, {}],
      [{ if: [0, 1, '', 2, [], 3, 4] }, {}],
      [{ and: [1, 0, 2] }, {}],
      [{ or: [0, '', [], 'x'] }, {}],
      [{ or: [] }, {}],
      [{ in: ['b', 'abc'] }, {}],
      [{ in: [1, [1, 2]] }, {}],
      [{ in: ['1', [1, 2]] }, {}],
      [{ in: [1, 5] }, {}],
      [{ substr: ['jsonlogic', -5] }, {}],
      [{ substr: ['jsonlogic', 1, -3] }, {}],
      [{ substr: ['jsonlogic', 2, '-1'] }, {}],
      [{ cat: ['a', null, 1, [2, 3], true] }, {}],
      [{ var: ['x', 7] }, { x: null }],
      [{ var: ['x', 7] }, { x: 0 }],
      [{ var: 'a.b' }, { a: { b: 2 } }],
      [{ var: '' }, { a: 1 }],
      [{ missing: ['a', 'b'] }, { a: '' }],
      [{ missing: [['a', 'b']] }, { b: 0 }],
      [{ missing_some: [1, ['a', 'b']] }, { a: 1 }],
      [{ missing_some: [1, null] }, {}],
      [{ missing_some: [1, 'a'] }, {}],
      [{ round: [2.675, 2] }, {}],
      [{ round: [-1.005, 2] }, {}],
      [{ round: ['x'] }, {}],
      [{ round: [1.5, 16] }, {}],
      [{ clamp: [5, 0, 3] }, {}],
      [{ clamp: [5, null, 'x'] }, {}],
      [
        {
          interp: [
            75,
            [
              [70, 0],
              [90, 5],
            ],
          ],
        },
        {},
      ],
      [
        {
          interp: [
            75,
            [
              [90, 0],
              [70, 5],
            ],
          ],
        },
        {},
      ],
      [
        {
          interp: [
            75,
            [
              [70, { var: 'y' }],
              [90, 5],
            ],
          ],
        },
        { y: 1 },
      ],
      [{ interp: [75, []] }, {}],
    ];
    for (const [rule, data] of cases) {
      const reference = run(() => jsonLogic.apply(rule as never, data));
      const compiled = run(() => compileLogic(rule)(data));
      expect(
        sameOutcome(compiled, reference),
        `${JSON.stringify(rule)}: ${show(compiled)} vs ${show(reference)}`,
      ).toBe(true);
    }
  });
});

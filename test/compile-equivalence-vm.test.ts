/**
 * The numeric programs (engine/compile/vm.ts) that compiled documents run for formulas over
 * numbers and booleans: random formulas of that kind against json-logic-js 2.0.5, on values that
 * include -0, NaN, infinities and booleans (fast-check).
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { logic as jsonLogic } from '../engine/index.ts';
import { compiledDocumentFor } from '../engine/compile/index.ts';
import { runVm, VmBuilder } from '../engine/compile/vm.ts';
import { prepareDocument } from '../engine/evaluate/index.ts';
import { docOf, interpArb, run, sameOutcome, show, type Outcome } from './helpers/equivalence.ts';

// ---------------------------------------------------------------------------------------------
// 3. Numeric programs

const NUMBER_KEYS = ['x', 'y', 'z'] as const;
const BOOLEAN_KEYS = ['p', 'q'] as const;

const numberArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 2, arbitrary: fc.integer({ min: -6, max: 6 }) },
  { weight: 1, arbitrary: fc.double({ noDefaultInfinity: false }) },
  { weight: 2, arbitrary: fc.constantFrom(0, -0, -0, 1, -1) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(0.1, 0.2, 0.5, 1.005, 2.675, 1e21, 1e-7, -2.5, Infinity, -Infinity, NaN),
  },
);

/** Formulas over numbers and booleans: every operation the numeric programs take, any arity. */
function numericFormulaArb(depth = 4): fc.Arbitrary<unknown> {
  const ops = [
    '+',
    '-',
    '*',
    '/',
    '%',
    'max',
    'min',
    '<',
    '<=',
    '>',
    '>=',
    '==',
    '!=',
    '===',
    '!==',
    '!',
    '!!',
    'if',
    '?:',
    'and',
    'or',
    'clamp',
  ] as const;
  const { formula } = fc.letrec<{ formula: unknown; leaf: unknown }>((tie) => ({
    leaf: fc.oneof(
      numberArb,
      fc.boolean(),
      fc.constantFrom(...NUMBER_KEYS, ...BOOLEAN_KEYS).map((k) => ({ var: k })),
      fc.tuple(fc.constantFrom(...NUMBER_KEYS), numberArb).map(([k, d]) => ({ var: [k, d] })),
    ),
    formula: fc.oneof(
      { depthSize: 'small', maxDepth: depth, withCrossShrink: true },
      tie('leaf'),
      fc
        .tuple(fc.constantFrom(...ops), fc.array(tie('formula'), { maxLength: 4 }), fc.boolean())
        .map(([op, args, bare]) => ({ [op]: bare && args.length === 1 ? args[0] : args })),
      // an operation on leaves, where the edge values meet (-0 + -0, NaN == NaN, true < 2)
      fc
        .tuple(fc.constantFrom(...ops), fc.array(tie('leaf'), { minLength: 1, maxLength: 3 }))
        .map(([op, args]) => ({ [op]: args })),
      fc
        .tuple(tie('formula'), fc.constantFrom(0, 1, 2, 15, 16, -1, 1.5))
        .map(([x, d]) => ({ round: [x, d] })),
      tie('formula').map((x) => ({ round: x })),
      interpArb(tie('formula')),
    ),
  }));
  return formula;
}

describe('numeric programs (fast-check)', () => {
  test('random formulas over numbers and booleans: program === json-logic-js', () => {
    let compiled = 0;
    fc.assert(
      fc.property(
        fc.array(numericFormulaArb(), { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.tuple(numberArb, numberArb, numberArb), fc.tuple(fc.boolean(), fc.boolean())), {
          minLength: 1,
          maxLength: 3,
        }),
        (rules, lanes) => {
          const vm = new VmBuilder(NUMBER_KEYS.length + BOOLEAN_KEYS.length);
          NUMBER_KEYS.forEach((k, i) => vm.declare(k, { reg: i, type: 'number' }));
          BOOLEAN_KEYS.forEach((k, i) => vm.declare(k, { reg: NUMBER_KEYS.length + i, type: 'boolean' }));
          const values = rules.map((rule) => vm.formula(rule));
          const program = vm.build();
          lanes.forEach(([nums, bools], lane) => {
            nums.forEach((v, i) => (program.regs[i * program.lanes + lane] = v));
            bools.forEach(
              (v, i) => (program.regs[(NUMBER_KEYS.length + i) * program.lanes + lane] = v ? 1 : 0),
            );
          });
          runVm(program, 0, program.code.length, lanes.length);
          rules.forEach((rule, k) => {
            const v = values[k];
            if (!v) return;
            compiled++;
            lanes.forEach(([nums, bools], lane) => {
              const data: Record<string, unknown> = {};
              NUMBER_KEYS.forEach((key, i) => (data[key] = nums[i]));
              BOOLEAN_KEYS.forEach((key, i) => (data[key] = bools[i]));
              const x = program.regs[v.reg * program.lanes + lane];
              const mine: Outcome = { ok: true, value: v.type === 'boolean' ? x !== 0 : x };
              const reference = run(() => jsonLogic.apply(rule as never, data));
              if (!sameOutcome(mine, reference))
                throw new Error(
                  `${JSON.stringify(rule)} on ${JSON.stringify(data)} (${v.type}): ${show(mine)} vs ${show(reference)}`,
                );
            });
          });
        },
      ),
      { numRuns: Number(process.env.EQ_RUNS ?? 3000) },
    );
    expect(compiled).toBeGreaterThan(1000);
  });

  test('a large program gets fewer lanes, and every lane its own values', () => {
    const vm = new VmBuilder(1);
    vm.declare('x', { reg: 0, type: 'number' });
    const terms = Array.from({ length: 3000 }, (_, i) => ({ '*': [{ var: 'x' }, i % 7] }));
    const v = vm.formula({ '+': terms })!;
    const program = vm.build();
    expect(program.lanes).toBeLessThan(128);
    expect(program.lanes).toBeGreaterThan(1);
    for (let lane = 0; lane < program.lanes; lane++) program.regs[lane] = lane / 4;
    runVm(program, 0, program.code.length, program.lanes);
    for (let lane = 0; lane < program.lanes; lane++)
      expect(program.regs[v.reg * program.lanes + lane]).toBe(
        jsonLogic.apply({ '+': terms } as never, { x: lane / 4 }),
      );
  });

  test('the 2025 document runs its formulas in the numeric program, all but the string vetoes', () => {
    const cd = compiledDocumentFor(prepareDocument(docOf(2025)));
    const items = cd.categories.flatMap((c) => c.items);
    expect(items.every((it) => it.reg >= 0)).toBe(true);
    expect(cd.derived.every((d) => d.reg >= 0)).toBe(true);
    // the two incident vetoes compare the incident level (a string) with == (特别重大, 重大)
    expect(cd.vetoes.filter((v) => v.reg < 0).map((v) => v.def.id)).toEqual([
      'major_incident',
      'serious_incident',
    ]);
  });
});

/**
 * The compiled evaluation (engine/compile/) against the reference, json-logic-js 2.0.5 and the
 * interpreted pipeline (engine/evaluate/score.ts): differential tests driven by data.
 *
 * 1. Every case of the official JSON-logic conformance suite (test/data/jsonlogic-official-tests.json,
 *    vendored from the suite published with json-logic-js) whose operations are all in our dialect.
 * 2. Random formulas over every operation of the dialect (custom ones included) and random scalar
 *    data (fast-check): identical results, NaN equal to NaN, -0 told apart from 0, and a thrown
 *    error on one side only when the other throws the same message — on plain data objects and on
 *    the slot arrays the pipeline uses.
 * 3. The numeric programs (engine/compile/vm.ts) that compiled documents run for formulas over
 *    numbers and booleans: random formulas of that kind against json-logic-js, on values that
 *    include -0, NaN, infinities and booleans.
 * 4. Whole documents: the sample rule family on every year's sample data, the golden cases, and
 *    random mutations of documents and data, evaluated in both modes: byte-identical JSON, traces
 *    included; datasets of several groups of regions (the compiled pipeline scores regions in
 *    groups), and region by region against all at once.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import {
  ALLOWED_OPERATIONS,
  evaluate,
  logic as jsonLogic,
  validateDocument,
  type Dataset,
  type RuleDocument,
} from '../engine/index.ts';
import {
  compileLogic,
  compiledDocumentFor,
  COMPILERS,
  CompileError,
  scoreRegionCompiled,
  scoreRegionsCompiled,
  type Scope,
} from '../engine/compile/index.ts';
import { runVm, VmBuilder } from '../engine/compile/vm.ts';
import { prepareDocument } from '../engine/evaluate/index.ts';
import { loadCases } from './cases/load.ts';

const root = new URL('../', import.meta.url);
const readJson = (path: string) => JSON.parse(readFileSync(new URL(path, root), 'utf8'));

// ---------------------------------------------------------------------------------------------
// Comparing results

type Outcome = { ok: true; value: unknown } | { ok: false; message: string };

function run(f: () => unknown): Outcome {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}

/** Deep equality with Object.is on leaves (NaN equals NaN, -0 differs from 0). */
function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return (
      ka.length === kb.length &&
      ka.every(
        (k, i) => k === kb[i] && same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
      )
    );
  }
  return false;
}

function sameOutcome(a: Outcome, b: Outcome): boolean {
  if (a.ok && b.ok) return same(a.value, b.value);
  if (!a.ok && !b.ok) return a.message === b.message;
  return false;
}

const show = (o: Outcome) =>
  o.ok
    ? `value ${Object.is(o.value, -0) ? '-0' : String(JSON.stringify(o.value) ?? o.value)}`
    : `error ${o.message}`;

const YEARS = [2021, 2022, 2023, 2024, 2025];
const docOf = (y: number) => readJson(`rules/jilin-eco-target/${y}.json`) as RuleDocument;
const dataOf = (y: number) => readJson(`rules/sample-data/${y}.json`) as Dataset;

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

const scalarArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -6, max: 6 }),
  fc.double({ noDefaultInfinity: false }),
  fc.constantFrom(0, -0, 0.1, 0.2, 0.5, 1.005, 2.675, 1e21, -2.5, Infinity, -Infinity),
  fc.constantFrom('', '0', '1', '2.5', '-1', ' 3 ', '1e3', 'abc', 'a', 'b.c', 'true'),
  fc.boolean(),
  fc.constant(null),
);

/** Formulas over every operation of the dialect, with names from `names`. */
function formulaArb(names: readonly string[], depth = 4): fc.Arbitrary<unknown> {
  const name = fc.constantFrom(...names);
  const { formula } = fc.letrec<{ formula: unknown; leaf: unknown; op: unknown }>((tie) => ({
    leaf: fc.oneof(
      { weight: 3, arbitrary: scalarArb },
      { weight: 3, arbitrary: name.map((n) => ({ var: n })) },
      { weight: 1, arbitrary: fc.tuple(name, scalarArb).map(([n, d]) => ({ var: [n, d] })) },
      { weight: 1, arbitrary: fc.array(name, { maxLength: 3 }).map((ns) => ({ missing: ns })) },
      { weight: 1, arbitrary: name.map((n) => ({ missing: n })) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.integer({ min: 0, max: 3 }), fc.array(name, { maxLength: 3 }))
          .map(([k, ns]) => ({ missing_some: [k, ns] })),
      },
    ),
    op: fc.oneof(
      // every operation with 0–4 operands, as an array or (one operand) bare
      fc
        .tuple(
          fc.constantFrom(...ALLOWED_OPERATIONS),
          fc.array(tie('formula'), { maxLength: 4 }),
          fc.boolean(),
        )
        .map(([op, args, bare]) => ({
          [op]: bare && args.length === 1 && !Array.isArray(args[0]) ? args[0] : args,
        })),
      // the shapes formulas really have
      fc
        .tuple(
          tie('formula'),
          fc.array(fc.tuple(fc.integer({ min: -5, max: 100 }), fc.integer({ min: -5, max: 10 })), {
            minLength: 1,
            maxLength: 4,
          }),
        )
        .map(([x, pts]) => ({ interp: [x, [...pts].sort((p, q) => p[0] - q[0])] })),
      fc
        .tuple(tie('formula'), fc.constantFrom(0, 1, 2, 3, -1, 16, 1.5, '2', null))
        .map(([x, d]) => ({ round: [x, d] })),
      fc.tuple(tie('formula'), tie('formula'), tie('formula')).map((a) => ({ clamp: a })),
      fc.tuple(tie('formula'), tie('formula'), tie('formula')).map((a) => ({ if: a })),
      fc
        .tuple(
          fc.constantFrom('+', '-', '*', '/', '%', 'max', 'min', '<', '>', '==', '!=', '<='),
          tie('formula'),
          tie('formula'),
        )
        .map(([op, x, y]) => ({ [op]: [x, y] })),
      fc.tuple(tie('formula'), fc.array(scalarArb, { maxLength: 3 })).map(([x, list]) => ({ in: [x, list] })),
      fc
        .tuple(tie('formula'), fc.array(tie('formula'), { maxLength: 3 }))
        .map(([k, list]) => ({ missing_some: [k, list] })),
    ),
    formula: fc.oneof(
      { depthSize: 'small', maxDepth: depth, withCrossShrink: true },
      tie('leaf'),
      tie('op'),
      fc.array(tie('leaf'), { maxLength: 2 }),
    ),
  }));
  return formula;
}

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
      fc
        .tuple(
          tie('formula'),
          fc.array(fc.tuple(fc.integer({ min: -5, max: 100 }), fc.integer({ min: -5, max: 10 })), {
            minLength: 1,
            maxLength: 4,
          }),
        )
        .map(([x, pts]) => ({ interp: [x, [...pts].sort((p, q) => p[0] - q[0])] })),
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

// ---------------------------------------------------------------------------------------------
// 4. Whole documents

function bothModes(doc: RuleDocument, data: Dataset): void {
  for (const trace of [true, false]) {
    const interpreted = run(() => evaluate(doc, data, { trace, mode: 'interpreted' }));
    const compiled = run(() => evaluate(doc, data, { trace, mode: 'compiled' }));
    expect(compiled.ok).toBe(interpreted.ok);
    if (compiled.ok && interpreted.ok) {
      expect(JSON.stringify(compiled.value)).toBe(JSON.stringify(interpreted.value));
      // plain objects and arrays alike, down to prototypes and holes
      expect(compiled.value).toStrictEqual(interpreted.value);
    }
  }
}

describe('whole documents: byte-identical in both modes, traces included', () => {
  test.each(YEARS.flatMap((d) => YEARS.map((y) => [d, y] as const)))('rules %i on the data of %i', (d, y) => {
    bothModes(docOf(d), dataOf(y));
  });

  test.each(loadCases().map((c) => [c.name, c] as const))('golden case %s', (_name, c) => {
    bothModes(c.document, c.data);
  });

  test('a bonus cap finer than the precision', () => {
    for (const cap of [2.555, 0.004, 7.5]) {
      const doc = docOf(2025);
      doc.precision = 2;
      doc.bonus = { ...doc.bonus!, cap };
      bothModes(doc, dataOf(2025));
    }
  });

  test('default mode is the compiled one and equals the interpreted one', () => {
    const doc = docOf(2025);
    const data = dataOf(2025);
    expect(JSON.stringify(evaluate(doc, data))).toBe(
      JSON.stringify(evaluate(doc, data, { mode: 'interpreted' })),
    );
  });

  test('random damage to the data: missing, wrong-typed, out-of-range, null and undeclared values', () => {
    const doc = docOf(2025);
    const base = dataOf(2025);
    const keys = doc.inputs.map((i) => i.key);
    const damage = fc.record({
      region: fc.nat(base.regions.length - 1),
      key: fc.constantFrom(...keys, 'undeclared_key'),
      value: fc.oneof(
        fc.constant(undefined),
        fc.constant(null),
        fc.constantFrom(-1, 1e9, 0.5, 'text', true, Number.NaN, ''),
        fc.double(),
      ),
    });
    fc.assert(
      fc.property(fc.array(damage, { minLength: 1, maxLength: 6 }), (changes) => {
        const data = structuredClone(base);
        for (const ch of changes) {
          const values = data.regions[ch.region].values;
          if (ch.value === undefined) delete values[ch.key];
          else values[ch.key] = ch.value;
        }
        bothModes(doc, data);
      }),
      { numRuns: 150 },
    );
  });

  test('regions whose values come in different key orders and key sets', () => {
    const doc = docOf(2024);
    const base = dataOf(2024);
    fc.assert(
      fc.property(
        fc.array(fc.integer(), { minLength: base.regions.length * 3, maxLength: base.regions.length * 3 }),
        (seeds) => {
          const regions = [...base.regions, ...base.regions, ...base.regions].map((r, i) => {
            const entries = Object.entries(r.values);
            const s = seeds[i];
            // a different order, sometimes a key dropped or an undeclared one added
            entries.sort((a, b) => ((a[0].length * 31 + s) % 7) - ((b[0].length * 31 + s) % 7));
            if (s % 5 === 0) entries.pop();
            if (s % 7 === 0) entries.push(['extra_key', 1]);
            return { ...r, code: `${r.code}-${i}`, values: Object.fromEntries(entries) };
          });
          bothModes(doc, { year: 2024, regions });
        },
      ),
      { numRuns: 25 },
    );
  });

  test('random formulas in a real document: items, bonus, derived values and conditions', () => {
    const base = docOf(2025);
    const data = dataOf(2025);
    const names = [...base.inputs.map((i) => i.key), ...(base.derived ?? []).map((d) => d.key)];
    const inputNames = base.inputs.map((i) => i.key);
    const site = fc.constantFrom('item', 'bonus', 'derived', 'downgrade', 'cap', 'veto');
    let checked = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(site, fc.nat(40), formulaArb(names, 3), formulaArb(inputNames, 3)), {
          minLength: 1,
          maxLength: 4,
        }),
        (edits) => {
          const doc = structuredClone(base);
          const items = doc.categories.flatMap((c) => c.items);
          for (const [where, i, f, g] of edits) {
            if (where === 'item') items[i % items.length].logic = f as never;
            else if (where === 'bonus' && doc.bonus?.items?.length)
              doc.bonus.items[i % doc.bonus.items.length].logic = f as never;
            else if (where === 'derived' && doc.derived?.length)
              doc.derived[i % doc.derived.length].logic = g as never;
            else if (where === 'downgrade' && doc.downgrades?.length)
              doc.downgrades[i % doc.downgrades.length].when = f as never;
            else if (where === 'cap' && doc.caps?.length) doc.caps[i % doc.caps.length].when = f as never;
            else if (where === 'veto' && doc.vetoes?.length)
              doc.vetoes[i % doc.vetoes.length].when = f as never;
          }
          if (validateDocument(doc, { runTests: false }).length > 0) return;
          checked++;
          bothModes(doc, data);
        },
      ),
      { numRuns: 200 },
    );
    expect(checked).toBeGreaterThan(20);
  });

  test('several groups of regions, some damaged, more than make a large dataset; region by region equals all at once', () => {
    const doc = docOf(2025);
    const base = dataOf(2025);
    const keys = doc.inputs.map((i) => i.key);
    const cd = compiledDocumentFor(prepareDocument(doc));
    // several groups, and more than 1,024 regions (results made by literals rather than constructors)
    const n = Math.max(1100, 2 * cd.program.lanes + 37);
    const regions = Array.from({ length: n }, (_, j) => {
      const from = base.regions[j % base.regions.length];
      const values: Record<string, unknown> = { ...from.values };
      for (const input of doc.inputs) {
        const v = values[input.key];
        if (typeof v !== 'number' || input.type !== 'number') continue;
        const x = v * (1 + (((j * 7919) % 101) - 50) / 1000);
        values[input.key] = Math.min(input.max ?? Infinity, Math.max(input.min ?? -Infinity, x));
      }
      const key = keys[(j * 31) % keys.length];
      if (j % 9 === 0) delete values[key];
      if (j % 13 === 0) values[key] = 'text';
      if (j % 17 === 0) values.undeclared_key = j;
      // last year's values (schema version 2) stay the sample's
      return { code: `R${j}`, name: `地区${j}`, values, previous: from.previous };
    });
    const data: Dataset = { year: 2025, regions };
    bothModes(doc, data);
    for (const trace of [false, true]) {
      const all = scoreRegionsCompiled(cd, regions, trace);
      const one = regions.map((r) => scoreRegionCompiled(cd, r, trace));
      expect(JSON.stringify(all)).toBe(JSON.stringify(one));
      expect(all.filter((o) => o.result).length).toBeGreaterThan(n / 2);
      expect(all.filter((o) => !o.result).length).toBeGreaterThan(10);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// 5. Schema version 2 (SPEC section 9): parameters, labelled choices, last year's values,
//    applicability with both notApplicable rules — random documents and data, both modes.

/** The 2025 sample made a random version-2 document: the fields of section 9 on every part. */
function version2Arb(): fc.Arbitrary<{ doc: RuleDocument; data: Dataset }> {
  const base = docOf(2025);
  const data0 = dataOf(2025);
  const numeric = base.inputs.filter((i) => i.type === 'number').map((i) => i.key);
  const paramValue = fc.oneof(
    fc.constantFrom(0, 0.25, 0.5, 1, 2, 3.5, -1, 100),
    fc.boolean(),
    fc.constantFrom('', 'x', 'major'),
  );
  return fc
    .record({
      params: fc.array(paramValue, { minLength: 1, maxLength: 3 }),
      previous: fc.array(fc.tuple(fc.constantFrom(...numeric), fc.constantFrom('required', 'optional')), {
        minLength: 1,
        maxLength: 4,
      }),
      labelled: fc.boolean(),
      rules: fc.array(fc.constantFrom('full', 'rescale', undefined), { minLength: 4, maxLength: 4 }),
      applies: fc.array(fc.tuple(fc.nat(40), fc.nat(10)), { maxLength: 6 }),
      formulas: fc.array(fc.tuple(fc.nat(40), fc.nat(10)), { maxLength: 3 }),
      damage: fc.array(
        fc.tuple(
          fc.nat(20),
          fc.nat(5),
          fc.oneof(
            fc.constant(undefined),
            fc.constant(null),
            fc.constantFrom(-1, 1e9, 0.5, 'text', true, 12, '一般', 'general'),
          ),
        ),
        { maxLength: 4 },
      ),
      seed: fc.integer({ min: 1, max: 1000 }),
    })
    .map((r) => {
      const doc = structuredClone(base) as RuleDocument;
      doc.schemaVersion = 2;
      // the sample's own parameters stay (its formulas read them)
      doc.parameters = [
        ...(doc.parameters ?? []),
        ...r.params.map((value, i) => ({ key: `param_${i}`, label: { zh: `参数${i}` }, value })),
      ];
      const prevKeys: string[] = [];
      for (const [key, how] of r.previous) {
        const input = doc.inputs.find((i) => i.key === key)!;
        if (input.previous) continue;
        input.previous = how as 'required' | 'optional';
        prevKeys.push(key);
      }
      const level = doc.inputs.find((i) => i.key === 'incident_level')!;
      // the sample labels its levels: plain values, or labels of this test's own
      const levels = (level.enum as unknown[]).map((e) =>
        typeof e === 'object' && e !== null ? (e as { value: string }).value : e,
      ) as string[];
      level.enum = (
        r.labelled
          ? levels.map((v, i) => ({ value: v, label: { zh: ['无', '一般', '较大', '重大', '特别重大'][i] } }))
          : levels
      ) as never;
      doc.categories.forEach((c, i) => {
        if (r.rules[i]) c.notApplicable = r.rules[i] as 'full' | 'rescale';
      });
      const items = doc.categories.flatMap((c) => c.items);
      // Conditions over parameters, last year's values and labelled choices.
      const conditions = [
        { var: 'param_0' },
        { '<': [{ var: `prev.${prevKeys[0]}` }, { var: prevKeys[0] }] },
        { '!': { var: `prev.${prevKeys[prevKeys.length - 1]}` } },
        { '==': [{ var: 'incident_level' }, 'none'] },
        { '>': [{ var: 'pm25' }, 35] },
        { var: ['prev.' + prevKeys[0], 1] },
        false,
        true,
        { missing: [`prev.${prevKeys[0]}`] },
        { '<': [{ var: 'water_bad_target' }, 1] },
        { var: 'data_fraud' },
      ];
      for (const [i, c] of r.applies)
        items[i % items.length].applies = conditions[c % conditions.length] as never;
      const formulas = [
        { '-': [4, { '*': [{ var: 'param_0' }, { var: 'pm25' }] }] },
        { max: [0, { '-': [{ var: `prev.${prevKeys[0]}` }, { var: prevKeys[0] }] }] },
        { if: [{ var: `prev.${prevKeys[prevKeys.length - 1]}` }, 2, 1] },
        { '*': [{ var: 'param_1' }, 3] },
        { cat: [{ var: 'param_0' }, { var: 'incident_level' }] },
        { '+': [{ var: ['prev.' + prevKeys[0], 3] }, 0.005] },
      ];
      for (const [i, f] of r.formulas) items[i % items.length].logic = formulas[f % formulas.length] as never;
      const data = structuredClone(data0);
      data.regions.forEach((region, j) => {
        const previous: Record<string, unknown> = {};
        for (const k of prevKeys) {
          const v = region.values[k];
          if ((j * 7 + r.seed) % 11 !== 0 && typeof v === 'number')
            previous[k] = Math.max(0, v + ((j + r.seed) % 5) - 2);
        }
        if (r.labelled && j % 3 === 0) region.values.incident_level = '一般';
        // the sample's own previous values stay
        region.previous = { ...(region.previous ?? {}), ...previous };
      });
      for (const [region, what, value] of r.damage) {
        const reg = data.regions[region % data.regions.length];
        const key = what === 0 ? 'incident_level' : prevKeys[what % prevKeys.length];
        const target = what === 0 ? reg.values : reg.previous!;
        if (value === undefined) delete target[key];
        else target[key] = value;
        if (what === 5) reg.previous!.undeclared_prev = 1;
        if (what === 4) reg.values.param_0 = 99;
      }
      return { doc, data };
    });
}

describe('schema version 2: random documents and data in both modes', () => {
  test('parameters, labelled choices, previous values, applies with full and rescale', () => {
    let scored = 0;
    let notApplicable = 0;
    let rescaled = 0;
    fc.assert(
      fc.property(version2Arb(), ({ doc, data }) => {
        const problems = validateDocument(doc, { runTests: false }).filter((p) => p.severity !== 'warning');
        if (problems.length > 0) return;
        bothModes(doc, data);
        const e = evaluate(doc, data);
        scored += e.results.length;
        for (const r of e.results)
          for (const c of r.categories) {
            notApplicable += c.items.filter((i) => i.applicable === false).length;
            if (c.rescaled) rescaled++;
          }
      }),
      { numRuns: 120 },
    );
    expect(scored).toBeGreaterThan(100);
    expect(notApplicable).toBeGreaterThan(20);
    expect(rescaled).toBeGreaterThan(5);
  });

  test('a version-1 document is refused the version-2 fields, and evaluates as before without them', async () => {
    // the samples are version 2 now: a version-1 golden case (test/cases) with its data
    const { loadCases } = await import('./cases/load.ts');
    const golden = loadCases().find((c) => c.name === 'bonus-cap')!;
    const doc = structuredClone(golden.document) as RuleDocument;
    expect(doc.schemaVersion).toBe(1);
    const v1 = structuredClone(doc);
    v1.categories[0].items[0].applies = true;
    v1.inputs[0].previous = 'optional';
    const codes = validateDocument(v1, { runTests: false }).map((p) => `${p.path} ${p.code}`);
    expect(codes).toContain('/categories/0/items/0/applies requires_version_2');
    expect(codes).toContain('/inputs/0/previous requires_version_2');
    // the same document as version 2 without any new field scores exactly as version 1
    const v2 = structuredClone(doc);
    v2.schemaVersion = 2;
    const data = golden.data as Dataset;
    const a = evaluate(doc, data);
    const b = evaluate(v2, data);
    expect(a.results.length).toBeGreaterThan(0);
    expect(JSON.stringify(b.results)).toBe(JSON.stringify(a.results));
  });
});

/**
 * Shared by the compile-equivalence tests (test/compile-equivalence*.test.ts): comparing outcomes
 * (NaN equal to NaN, -0 told apart from 0, a thrown message compared as text), the sample rule
 * family and data by year, both evaluation modes on one document, and the random formulas over
 * every operation of the dialect (fast-check).
 */
import { expect } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { ALLOWED_OPERATIONS, evaluate, type Dataset, type RuleDocument } from '../../engine/index.ts';

const root = new URL('../../', import.meta.url);
export const readJson = (path: string) => JSON.parse(readFileSync(new URL(path, root), 'utf8'));

// ---------------------------------------------------------------------------------------------
// Comparing results

export type Outcome = { ok: true; value: unknown } | { ok: false; message: string };

export function run(f: () => unknown): Outcome {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}

/** Deep equality with Object.is on leaves (NaN equals NaN, -0 differs from 0). */
export function same(a: unknown, b: unknown): boolean {
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

export function sameOutcome(a: Outcome, b: Outcome): boolean {
  if (a.ok && b.ok) return same(a.value, b.value);
  if (!a.ok && !b.ok) return a.message === b.message;
  return false;
}

export const show = (o: Outcome) =>
  o.ok
    ? `value ${Object.is(o.value, -0) ? '-0' : String(JSON.stringify(o.value) ?? o.value)}`
    : `error ${o.message}`;

export const YEARS = [2021, 2022, 2023, 2024, 2025];
export const docOf = (y: number) => readJson(`rules/jilin-eco-target/${y}.json`) as RuleDocument;
export const dataOf = (y: number) => readJson(`rules/sample-data/${y}.json`) as Dataset;

/** Evaluates `doc` on `data` in both modes, with and without traces: byte-identical JSON. */
export function bothModes(doc: RuleDocument, data: Dataset): void {
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

// ---------------------------------------------------------------------------------------------
// Random formulas

export const scalarArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -6, max: 6 }),
  fc.double({ noDefaultInfinity: false }),
  fc.constantFrom(0, -0, 0.1, 0.2, 0.5, 1.005, 2.675, 1e21, -2.5, Infinity, -Infinity),
  fc.constantFrom('', '0', '1', '2.5', '-1', ' 3 ', '1e3', 'abc', 'a', 'b.c', 'true'),
  fc.boolean(),
  fc.constant(null),
);

/** `{ interp: [x, points] }` with 1–4 integer points sorted by their first coordinate. */
export function interpArb(x: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(
      x,
      fc.array(fc.tuple(fc.integer({ min: -5, max: 100 }), fc.integer({ min: -5, max: 10 })), {
        minLength: 1,
        maxLength: 4,
      }),
    )
    .map(([f, pts]) => ({ interp: [f, [...pts].sort((p, q) => p[0] - q[0])] }));
}

/** Formulas over every operation of the dialect, with names from `names`. */
export function formulaArb(names: readonly string[], depth = 4): fc.Arbitrary<unknown> {
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
      interpArb(tie('formula')),
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

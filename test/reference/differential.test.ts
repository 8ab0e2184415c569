/**
 * Differential test: the engine (and, fewer runs, the command line) against the independent
 * reference of SPEC section 3 in spec-evaluator.ts, on random valid documents and random datasets.
 * Every field SPEC section 4 names is compared; a divergence fails with the document, the data and
 * the differing fields.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { evaluate, validateDocument } from '../../engine/index.ts';
import type { Dataset, Evaluation, RuleDocument } from '../../engine/index.ts';
import { runCli } from '../helpers/cli.ts';
import { evaluateReference, roundHalfAway } from './spec-evaluator.ts';
import type { RefDocument, RefEvaluation, RefOptions } from './spec-evaluator.ts';

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

type G = fc.GeneratorValue;
type Json = unknown;

/** Small helpers over fast-check's in-test generator (smaller choices shrink to simpler documents). */
function helpers(g: G) {
  const int = (min: number, max: number) => g(fc.integer, { min, max });
  const chance = (percent: number) => int(0, 99) < percent;
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)];
  return { int, chance, pick };
}
type H = ReturnType<typeof helpers>;

/** A decimal with up to `decimals` decimals, in [lo, hi] roughly. */
function decimal(h: H, lo: number, hi: number, decimals: number): number {
  const scale = 10 ** decimals;
  const a = Math.ceil(lo * scale);
  const b = Math.max(a, Math.floor(hi * scale));
  return Number((h.int(a, b) / scale).toFixed(decimals));
}

/** A value at a rounding edge for `precision`: x.xx5 (as written, its shortest form ends in 5). */
function roundingEdge(h: H, lo: number, hi: number, precision: number): number {
  const whole = h.int(Math.ceil(lo), Math.max(Math.ceil(lo), Math.floor(hi) - 1));
  const frac = precision === 0 ? '' : String(h.int(0, 10 ** precision - 1)).padStart(precision, '0');
  return Number(`${whole}.${frac}5`);
}

interface InputSpec {
  key: string;
  type: 'number' | 'integer' | 'boolean' | 'string';
  min?: number;
  max?: number;
  enum?: (string | number)[];
  default?: number | boolean | string;
  required?: boolean;
}

interface Ctx {
  h: H;
  precision: number;
  numeric: string[]; // numeric names (inputs and derived values) a formula may read
  optionalNumeric: string[]; // numeric inputs that may be absent
  booleans: string[];
  strings: InputSpec[];
  optionalAny: string[];
  depth: number;
}

function literal(c: Ctx): number {
  const { h } = c;
  switch (h.int(0, 5)) {
    case 0:
      return 0;
    case 1:
      return h.int(-3, 10);
    case 2:
      return decimal(h, -5, 20, h.int(1, 4));
    case 3:
      return roundingEdge(h, 0, 10, c.precision);
    case 4:
      return h.pick([0.1, 0.2, 0.3, 0.5, 1.005, 2.675, 0.015, 1.45]);
    default:
      return decimal(h, 0, 100, 2);
  }
}

function numVar(c: Ctx): Json {
  const { h } = c;
  if (c.optionalNumeric.length > 0 && h.chance(25)) {
    const key = h.pick(c.optionalNumeric);
    return h.chance(70) ? { var: [key, h.pick([0, 1, 2.5])] } : { var: key };
  }
  if (h.chance(3) && c.booleans.length + c.strings.length > 0) {
    return { var: h.pick([...c.booleans, ...c.strings.map((s) => s.key)]) }; // json-logic coercions
  }
  if (c.numeric.length === 0) return literal(c);
  const key = h.pick(c.numeric);
  return h.chance(10) ? { var: [key] } : { var: key };
}

function sub(c: Ctx): Ctx {
  return { ...c, depth: c.depth - 1 };
}

function numExpr(c: Ctx): Json {
  const { h } = c;
  if (c.depth <= 0 || h.chance(35)) return h.chance(65) ? numVar(c) : literal(c);
  const s = sub(c);
  switch (h.int(0, 15)) {
    case 0:
      return { '+': h.chance(70) ? [numExpr(s), numExpr(s)] : [numExpr(s), numExpr(s), numExpr(s)] };
    case 1:
      return { '-': h.chance(85) ? [numExpr(s), numExpr(s)] : [numExpr(s)] };
    case 2:
      return { '*': h.chance(90) ? [numExpr(s), numExpr(s)] : [numExpr(s)] };
    case 3:
      return { '/': [numExpr(s), h.chance(20) ? 0 : numExpr(s)] };
    case 4:
      return { max: h.chance(70) ? [numExpr(s), numExpr(s)] : [numExpr(s), numExpr(s), numExpr(s)] };
    case 5:
      return { min: [numExpr(s), numExpr(s)] };
    case 6:
      return { [h.chance(80) ? 'if' : '?:']: [cond(s), numExpr(s), numExpr(s)] };
    case 7:
      return h.chance(85)
        ? { if: [cond(s), numExpr(s), cond(s), numExpr(s), numExpr(s)] }
        : { if: [cond(s), numExpr(s)] }; // no else: null when the condition is false
    case 8:
    case 9:
      return h.chance(95) ? { round: [numExpr(s), h.int(0, 4)] } : { round: [numExpr(s)] };
    case 10:
    case 11: {
      const lo = literal(c);
      return { clamp: [numExpr(s), lo, lo + Math.abs(literal(c))] };
    }
    case 12:
    case 13:
      return { interp: [numExpr(s), points(c)] };
    case 14:
      return { '%': [numExpr(s), h.chance(80) ? h.int(1, 7) : numExpr(s)] };
    default:
      return { '-': [numExpr(s), { '*': [decimal(h, 0, 2, 2), numExpr(s)] }] };
  }
}

function points(c: Ctx, yMax?: number): [number, number][] {
  const { h } = c;
  const n = h.int(2, 4);
  const xs: number[] = [];
  let x = decimal(h, -10, 50, h.int(0, 2));
  for (let i = 0; i < n; i++) {
    xs.push(x);
    x = Number((x + decimal(h, 0.1, 30, h.int(0, 2))).toFixed(2));
  }
  let ys = xs.map(() => decimal(h, -2, 12, h.int(0, 3)));
  if (yMax !== undefined) {
    // a scoring scale from 0 to maxPoints, rising or falling
    ys = ys.map((y, i) => (i === 0 ? 0 : i === n - 1 ? yMax : Math.min(yMax, Math.abs(y))));
    if (h.chance(50)) ys.reverse();
  }
  return xs.map((px, i) => [px, ys[i]]);
}

function cond(c: Ctx): Json {
  const { h } = c;
  const s = sub(c);
  const r = h.int(0, c.depth <= 0 ? 5 : 11);
  switch (r) {
    case 0:
    case 1:
      return c.booleans.length > 0 ? { var: h.pick(c.booleans) } : { '>': [numVar(c), literal(c)] };
    case 2:
    case 3:
      return { [h.pick(['>', '>=', '<', '<='])]: [numVar(c), literal(c)] };
    case 4:
      if (c.strings.length > 0) {
        const sIn = h.pick(c.strings);
        const vals = sIn.enum ?? ['a', 'b', 'c'];
        return h.chance(60)
          ? { [h.pick(['==', '===', '!=', '!=='])]: [{ var: sIn.key }, h.pick(vals)] }
          : { in: [{ var: sIn.key }, vals.slice(0, h.int(1, vals.length))] };
      }
      return { '==': [numVar(c), literal(c)] };
    case 5:
      if (c.optionalAny.length > 0) {
        const k = h.pick(c.optionalAny);
        return h.chance(50) ? { '!': { missing: [k] } } : { missing: k };
      }
      return { '!!': numVar(c) };
    case 6:
      return { [h.pick(['>', '>=', '<', '<=', '==', '!=', '===', '!=='])]: [numExpr(s), numExpr(s)] };
    case 7:
      return { '<': [literal(c), numExpr(s), literal(c) + 50] };
    case 8:
      return { '!': cond(s) };
    case 9:
      return { '!!': numExpr(s) };
    case 10:
      return { and: [cond(s), cond(s)] };
    default:
      return { or: [cond(s), cond(s)] };
  }
}

/** Formulas that yield something other than a number (or a number only through coercion). */
function oddLogic(c: Ctx): Json {
  const { h } = c;
  const any = [...c.booleans, ...c.strings.map((s) => s.key), ...c.optionalAny];
  const v = any.length > 0 ? { var: h.pick(any) } : numVar(c);
  switch (h.int(0, 6)) {
    case 0:
      return v;
    case 1:
      return { '*': [v] };
    case 2:
      return { '+': [v] };
    case 3:
      return { if: [cond(c), true, 0] };
    case 4:
      return { cat: [h.int(0, 9), h.pick(['', '.5', 'x'])] };
    case 5:
      return { min: [v, 5] };
    default:
      return { and: [cond(c), numExpr(c)] };
  }
}

function itemLogic(c: Ctx, maxPoints: number): Json {
  const { h } = c;
  if (h.chance(5)) return oddLogic(c);
  switch (h.int(0, 9)) {
    case 0:
      return numVar(c); // direct: rounding edges of the data show through
    case 1:
      return { max: [0, { '-': [maxPoints, { '*': [decimal(h, 0, 2, 2), numExpr(c)] }] }] };
    case 2:
      return { '*': [maxPoints, { '/': [numVar(c), numVar(c)] }] };
    case 3:
      return { interp: [numExpr(c), points(c, maxPoints)] };
    case 4:
      return { if: [cond(c), maxPoints, h.chance(50) ? 0 : numExpr(c)] };
    case 5:
      return { '*': [numVar(c), h.pick([0.5, 0.1, 0.15, 1.1, 3])] };
    case 6:
      return { '+': [numVar(c), h.pick([0.1, 0.2, 0.005, -0.005])] };
    case 7:
      return literal(c);
    default:
      return numExpr(c);
  }
}

/** Parts of `total` (an integer count of units) split into `n` positive-ish integer parts. */
function split(h: H, n: number, total: number): number[] {
  const parts: number[] = [];
  let left = total;
  for (let i = 0; i < n - 1; i++) {
    const p = h.int(0, left);
    parts.push(p);
    left -= p;
  }
  parts.push(left);
  return parts;
}

const label = (zh: string) => ({ zh });

function genDocument(g: G): RuleDocument {
  const h = helpers(g);
  const precision = h.chance(90) ? h.int(0, 4) : h.int(5, 6);

  // Inputs
  const inputs: InputSpec[] = [];
  const nInputs = h.int(1, 7);
  for (let i = 0; i < nInputs; i++) {
    const type =
      i === 0 ? 'number' : h.pick(['number', 'number', 'integer', 'boolean', 'boolean', 'string'] as const);
    const inp: InputSpec = { key: `${type[0]}${i}`, type };
    if (type === 'number') {
      if (h.chance(40)) inp.min = h.pick([0, -10, 1]);
      if (h.chance(30)) inp.max = h.pick([100, 50.5, 1000]);
      if (h.chance(25)) inp.default = h.pick([inp.min ?? 0, 1.5, 10]);
      else if (h.chance(25)) inp.required = false;
      if (h.chance(5)) inp.enum = [1, 2, 3.5, 10];
      if (inp.enum && inp.default !== undefined) inp.default = 2;
    } else if (type === 'integer') {
      if (h.chance(60)) inp.min = 0;
      if (h.chance(50)) inp.max = h.int(3, 20);
      if (h.chance(30)) inp.default = 1;
      else if (h.chance(25)) inp.required = false;
    } else if (type === 'boolean') {
      if (h.chance(70)) inp.default = false;
      else if (h.chance(40)) inp.required = false;
    } else {
      if (h.chance(80)) inp.enum = ['a', 'b', 'c'].slice(0, h.int(1, 3));
      if (h.chance(30)) inp.default = 'a';
      else if (h.chance(40)) inp.required = false;
    }
    if (h.chance(10) && inp.required === undefined && inp.default !== undefined) inp.required = h.chance(50);
    inputs.push(inp);
  }
  const numericInputs = inputs.filter((i) => i.type === 'number' || i.type === 'integer');
  const ctx: Ctx = {
    h,
    precision,
    numeric: numericInputs.filter((i) => i.default !== undefined || i.required !== false).map((i) => i.key),
    optionalNumeric: numericInputs
      .filter((i) => i.default === undefined && i.required === false)
      .map((i) => i.key),
    booleans: inputs.filter((i) => i.type === 'boolean').map((i) => i.key),
    strings: inputs.filter((i) => i.type === 'string'),
    optionalAny: inputs.filter((i) => i.default === undefined && i.required === false).map((i) => i.key),
    depth: 3,
  };

  // Derived values chaining, listed in a shuffled order
  const derived: { key: string; label: { zh: string }; logic: Json }[] = [];
  const nDerived = h.int(0, 3);
  for (let i = 0; i < nDerived; i++) {
    if (h.chance(20)) {
      derived.push({ key: `d${i}`, label: label(`派生${i}`), logic: cond({ ...ctx, depth: 2 }) });
      ctx.booleans = [...ctx.booleans, `d${i}`];
    } else {
      derived.push({ key: `d${i}`, label: label(`派生${i}`), logic: numExpr({ ...ctx, depth: 2 }) });
      ctx.numeric = [...ctx.numeric, `d${i}`];
    }
  }
  for (let i = derived.length - 1; i > 0; i--) {
    const j = h.int(0, i);
    [derived[i], derived[j]] = [derived[j], derived[i]];
  }

  // Categories and items: maxPoints in units of 1, 0.5 or 0.1 so that the sums are exact decimals
  const unitDecimals = h.pick([0, 0, 1]);
  const unit = h.pick(unitDecimals === 0 ? [1, 0.5] : [0.1]);
  const toPoints = (units: number) =>
    unit === 0.1 ? Number((units / 10).toFixed(1)) : unit === 0.5 ? units / 2 : units;
  const nCats = h.int(1, 3);
  const categories = [];
  let totalUnits = 0;
  let itemNo = 0;
  for (let ci = 0; ci < nCats; ci++) {
    const nItems = h.chance(4) ? 0 : h.int(1, 3);
    const units = Array.from({ length: nItems }, () => (h.chance(5) ? 0 : h.int(1, 30)));
    if (ci === nCats - 1 && totalUnits + units.reduce((a, b) => a + b, 0) === 0) units.push(1); // maxScore > 0
    const catUnits = units.reduce((a, b) => a + b, 0);
    totalUnits += catUnits;
    categories.push({
      id: `c${ci}`,
      label: label(`类${ci}`),
      maxPoints: toPoints(catUnits),
      items: units.map((u) => {
        const maxPoints = toPoints(u);
        return { id: `i${itemNo++}`, label: label(`项`), maxPoints, logic: itemLogic(ctx, maxPoints) };
      }),
    });
  }
  const maxScore = toPoints(totalUnits);

  const doc: Record<string, unknown> = {
    schemaVersion: 1,
    family: 'diff-test',
    year: 2024,
    title: label('差分测试'),
    maxScore,
    inputs: inputs.map((i) => ({ ...i, label: label(i.key) })),
  };
  if (precision !== 2 || h.chance(50)) doc.precision = precision;
  if (derived.length > 0 || h.chance(20)) doc.derived = derived;
  doc.categories = categories;

  if (h.chance(60)) {
    const cap = h.chance(85) ? h.pick([0, 1, 2.5, 3, 5]) : decimal(h, 0, 6, precision + h.int(0, 1));
    const nb = h.int(0, 3);
    const items = Array.from({ length: nb }, (_, i) => ({
      id: `bonus${i}`,
      label: label('加分'),
      logic: h.chance(40)
        ? { if: [cond(ctx), h.pick([1, 2, 0.5, 1.005, 2.675]), 0] }
        : h.chance(50)
          ? numVar(ctx)
          : numExpr({ ...ctx, depth: 2 }),
    }));
    doc.bonus = h.chance(90) || nb > 0 ? { cap, items } : { cap };
  }

  // Grades: 2–5, min strictly decreasing, last 0
  let nGrades = h.int(2, 5);
  const mins = new Set<number>();
  for (let tries = 0; mins.size < nGrades - 1 && tries < 50; tries++) {
    const m = h.chance(70)
      ? h.int(1, Math.max(1, Math.floor(maxScore)))
      : decimal(h, 0, maxScore, precision + h.int(0, 1));
    if (m > 0 && m <= maxScore) mins.add(m);
  }
  if (mins.size === 0) mins.add(maxScore);
  nGrades = mins.size + 1;
  if (h.chance(3)) nGrades = 1;
  const gradeIds = ['excellent', 'good', 'qualified', 'weak', 'unqualified'].slice(5 - nGrades);
  const sortedMins = [...mins].sort((a, b) => b - a);
  const grades = gradeIds.map((id, i) => ({
    id,
    label: label(id),
    min: i === nGrades - 1 ? 0 : sortedMins[i],
  }));

  if (h.chance(60)) {
    doc.downgrades = Array.from({ length: h.int(0, 3) }, (_, i) => {
      const d: Record<string, unknown> = { id: `dg${i}`, label: label('降档'), when: cond(ctx) };
      if (h.chance(60)) d.levels = h.int(1, 3);
      return d;
    });
  }
  if (h.chance(50)) {
    doc.caps = Array.from({ length: h.int(0, 2) }, (_, i) => ({
      id: `cap${i}`,
      label: label('上限'),
      when: cond(ctx),
      maxGrade: h.pick(gradeIds),
    }));
  }
  if (h.chance(40)) {
    doc.vetoes = Array.from({ length: h.int(0, 2) }, (_, i) => ({
      id: `veto${i}`,
      label: label('否决'),
      when: ctx.booleans.length > 0 && h.chance(60) ? { var: h.pick(ctx.booleans) } : cond(ctx),
    }));
  }
  if (h.chance(50)) doc.downgradeStacking = h.pick(['max', 'sum']);
  doc.grades = grades;
  return doc as unknown as RuleDocument;
}

function genValue(h: H, inp: InputSpec, precision: number): unknown {
  const r = h.int(0, 99);
  // wrong type, out of range
  if (r < 3) {
    switch (inp.type) {
      case 'number':
        return h.pick(['12.5', true, '']);
      case 'integer':
        return h.pick([2.5, '3', 0.1 + 0.2]);
      case 'boolean':
        return h.pick([1, 0, 'true', '是']);
      case 'string':
        return h.pick([5, true]);
    }
  }
  if (r < 6) {
    if (inp.enum) return inp.type === 'string' ? 'zz' : 4;
    if (inp.min !== undefined && h.chance(50)) return inp.min - h.pick([1, 0.001]);
    if (inp.max !== undefined) return inp.max + h.pick([1, 0.001]);
  }
  switch (inp.type) {
    case 'boolean':
      return h.chance(35);
    case 'string':
      return h.pick(inp.enum ?? ['a', 'b', 'c', 'x']);
    case 'integer': {
      const lo = inp.min ?? -5;
      const hi = inp.max ?? 30;
      return h.chance(15) ? h.pick([lo, hi]) : h.int(lo, hi);
    }
    case 'number': {
      if (inp.enum) return h.pick(inp.enum);
      const lo = inp.min ?? -20;
      const hi = inp.max ?? 120;
      switch (h.int(0, 6)) {
        case 0:
          return h.int(Math.ceil(lo), Math.floor(hi));
        case 1:
          return decimal(h, lo, hi, h.int(1, 8));
        case 2:
        case 3:
          return roundingEdge(h, Math.max(lo, 0), Math.min(hi, 40), precision);
        case 4:
          return g_double(h, lo, hi);
        case 5:
          return h.pick(
            [lo, hi, 0, 5e-7, 1.5e-7, 0.0000045, 0.000015, 12345.1234565].filter((v) => v >= lo && v <= hi),
          );
        default:
          return decimal(h, Math.max(lo, 0), Math.min(hi, 10), 3);
      }
    }
  }
}

/** A "many decimals" double in [lo, hi]. */
function g_double(h: H, lo: number, hi: number): number {
  const v = lo + ((hi - lo) * h.int(0, 2 ** 30)) / 2 ** 30 + h.int(0, 999) * 1e-13;
  return Math.min(hi, Math.max(lo, v));
}

function genDataset(g: G, doc: RuleDocument): Dataset {
  const h = helpers(g);
  const inputs = doc.inputs as unknown as InputSpec[];
  const precision = doc.precision ?? 2;
  const n = h.chance(88) ? h.int(1, 6) : h.int(7, 40); // larger runs: the compiled pipeline works in groups
  const regions: Dataset['regions'] = [];
  for (let i = 0; i < n; i++) {
    let values: Record<string, unknown> = {};
    if (i > 0 && h.chance(20)) {
      values = { ...regions[h.int(0, i - 1)].values }; // a tie, probably
    } else {
      for (const inp of inputs) {
        const optional = inp.default !== undefined || inp.required === false;
        if (h.chance(optional ? 30 : 2)) {
          if (h.chance(10)) values[inp.key] = null; // our reading: null is a missing value
          continue; // missing
        }
        values[inp.key] = genValue(h, inp, precision);
      }
      if (h.chance(10)) values[h.pick(['zz_extra', 'note', 'p0'])] = h.pick([1, 'x', true]);
    }
    regions.push({ code: `R${i + 1}`, name: `地区${i + 1}`, values });
  }
  return { year: 2024, regions };
}

const caseArb = fc.gen().map((g) => {
  const document = genDocument(g);
  const data = genDataset(g, document);
  return { document, data };
});

// ---------------------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------------------

const num = (x: unknown) => (typeof x === 'number' && Object.is(x, -0) ? 0 : x); // JSON cannot tell -0 from 0
const sorted = (xs: unknown) => (Array.isArray(xs) ? [...xs].map(String).sort() : xs);

/** The fields SPEC section 4 names (plus category and bonus-item points), keyed by region. */
function normalize(ev: { results: any[]; errors: any[] }): {
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
function differences(a: unknown, b: unknown, path = ''): string[] {
  if (typeof a === 'number' && typeof b === 'number') {
    return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)) ? [] : [`${path}: ${a} ≠ ${b}`];
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    return a === b ? [] : [`${path}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`];
  }
  const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
  return [...keys].flatMap((k) => differences((a as any)[k], (b as any)[k], `${path}/${k}`));
}

function refOf(document: RuleDocument, data: Dataset, opts: RefOptions = {}): RefEvaluation {
  return evaluateReference(document as unknown as RefDocument, data, opts);
}

/**
 * Divergences already found and reported (see the hand-written cases below). A case whose only
 * differences vanish when the reference imitates the engine on these points counts as known, not
 * as a failure, so that the random search keeps looking for new ones.
 */
const KNOWN: { name: string; opts: RefOptions }[] = [];
const knownHits: Record<string, number> = {};
const resetKnownHits = () => Object.keys(knownHits).forEach((k) => delete knownHits[k]);

function known(
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

function compareEngine(document: RuleDocument, data: Dataset): string[] {
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

function assertValid(document: RuleDocument): void {
  const problems = validateDocument(document, { runTests: false });
  if (problems.length > 0) {
    throw new Error(
      `generated document refused by the engine:\n${JSON.stringify(problems, null, 1)}\n${JSON.stringify(document)}`,
    );
  }
}

/** The failing case, also written to $TMPDIR/ecoscore-differential-failure.json for replaying. */
function report(document: RuleDocument, data: Dataset, diffs: string[]): string {
  writeFileSync(
    join(tmpdir(), 'ecoscore-differential-failure.json'),
    JSON.stringify({ document, data, diffs }, null, 1),
  );
  return `${diffs.join('\n')}\nRULES ${JSON.stringify(document)}\nDATA ${JSON.stringify(data)}`;
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

const STATS = !!process.env.DIFF_STATS;
const stats: Record<string, number> = {};
const bump = (k: string, n = 1) => (stats[k] = (stats[k] ?? 0) + n);
/** How much of the semantics the generated cases exercise (DIFF_STATS=1). */
function collectStats(document: RuleDocument, data: Dataset): void {
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

const SEED = Number(process.env.DIFF_SEED ?? 20240501);
const RUNS = Number(process.env.DIFF_RUNS ?? 400);
const CLI_RUNS = Number(process.env.DIFF_CLI_RUNS ?? 8);

describe('reference evaluator', () => {
  test('rounds half away from zero on the shortest decimal form', () => {
    expect(roundHalfAway(1.005, 2)).toBe(1.01);
    expect(roundHalfAway(2.675, 2)).toBe(2.68);
    expect(roundHalfAway(0.1 + 0.2, 2)).toBe(0.3);
    expect(roundHalfAway(-0.005, 2)).toBe(-0.01);
    expect(roundHalfAway(89.99999999, 2)).toBe(90);
    expect(roundHalfAway(1e-7, 2)).toBe(0);
    expect(roundHalfAway(0.5, 0)).toBe(1);
    expect(roundHalfAway(1.45, 1)).toBe(1.5);
  });
});

// ---------------------------------------------------------------------------------------------
// The JSON-logic dialect on values of every type (strings, booleans, null mixed into arithmetic)
// ---------------------------------------------------------------------------------------------

const MIXED_INPUTS: InputSpec[] = [
  { key: 'n', type: 'number', required: false },
  { key: 'k', type: 'integer', required: false },
  { key: 'b', type: 'boolean', required: false },
  { key: 's', type: 'string', required: false },
  { key: 't', type: 'string', required: false },
];

function mixedExpr(h: H, depth: number, derivedKeys: string[]): Json {
  if (depth <= 0 || h.chance(30)) {
    if (h.chance(55)) {
      const key = h.pick([...MIXED_INPUTS.map((i) => i.key), ...derivedKeys]);
      return h.chance(20) ? { var: [key, h.pick([0, 'x', true, 1.5])] } : { var: key };
    }
    return h.pick([
      0,
      1,
      -1,
      2.5,
      0.1,
      3,
      '1',
      '2abc',
      'abc',
      '',
      '1e2',
      ' 3 ',
      '0',
      '-0',
      true,
      false,
      -0.5,
    ]);
  }
  const e = () => mixedExpr(h, depth - 1, derivedKeys);
  const op = h.pick([
    '+',
    '-',
    '*',
    '/',
    '%',
    'max',
    'min',
    '==',
    '===',
    '!=',
    '!==',
    '<',
    '<=',
    '>',
    '>=',
    '!',
    '!!',
    'and',
    'or',
    'if',
    '?:',
    'cat',
    'substr',
    'in',
    'round',
    'clamp',
    'interp',
    'missing',
    'missing_some',
  ] as const);
  switch (op) {
    case '!':
    case '!!':
      return { [op]: h.chance(50) ? e() : [e()] };
    case '-':
    case '*':
    case '+':
      return { [op]: h.chance(25) ? [e()] : h.chance(80) ? [e(), e()] : [e(), e(), e()] };
    case 'max':
    case 'min':
    case 'and':
    case 'or':
    case 'cat':
      return { [op]: h.chance(80) ? [e(), e()] : [e(), e(), e()] };
    case '<':
    case '<=':
      return { [op]: h.chance(80) ? [e(), e()] : [e(), e(), e()] };
    case 'if':
    case '?:':
      return { [op]: h.chance(70) ? [e(), e(), e()] : h.chance(50) ? [e(), e()] : [e(), e(), e(), e(), e()] };
    case 'substr':
      return { substr: h.chance(50) ? [e(), h.int(-3, 3)] : [e(), h.int(-3, 3), h.int(-3, 3)] };
    case 'in':
      return { in: [e(), h.chance(50) ? ['1', 1, 'abc', true] : e()] };
    case 'round':
      return { round: [e(), h.int(0, 3)] };
    case 'clamp':
      return { clamp: [e(), h.pick([0, -1, 0.5]), h.pick([1, 2.5, 10])] };
    case 'interp':
      return {
        interp: [
          e(),
          [
            [0, 1],
            [1, 3],
            [4, -2],
          ],
        ],
      };
    case 'missing':
      return {
        missing: h.chance(50)
          ? h.pick(MIXED_INPUTS).key
          : [h.pick(MIXED_INPUTS).key, h.pick(MIXED_INPUTS).key],
      };
    case 'missing_some':
      return { missing_some: [h.int(0, 2), [h.pick(MIXED_INPUTS).key, h.pick(MIXED_INPUTS).key]] };
    default:
      return { [op]: [e(), e()] };
  }
}

const mixedArb = fc.gen().map((g) => {
  const h = helpers(g);
  const derived: { key: string; label: { zh: string }; logic: Json }[] = [];
  for (let i = 0; i < h.int(1, 4); i++)
    derived.push({
      key: `m${i}`,
      label: label('m'),
      logic: mixedExpr(
        h,
        3,
        derived.map((d) => d.key),
      ),
    });
  const document = {
    schemaVersion: 1,
    family: 'dialect',
    year: 2024,
    title: label('方言'),
    maxScore: 100,
    precision: h.int(0, 3),
    inputs: MIXED_INPUTS.map((i) => ({ ...i, label: label(i.key) })),
    derived,
    categories: [
      {
        id: 'c',
        label: label('c'),
        maxPoints: 100,
        // Items read the derived values, so the engine has to compute them on its scoring path.
        items: derived.map((d, i) => ({
          id: `i${i}`,
          label: label('i'),
          maxPoints: i === derived.length - 1 ? 100 - 10 * i : 10,
          logic: h.chance(75)
            ? { if: [{ var: d.key }, 1, 0] } // always a number: the region stays scored
            : h.chance(50)
              ? { var: d.key }
              : { if: [{ var: d.key }, { '+': [{ var: d.key }, 0.5] }, 1] },
        })),
      },
    ],
    vetoes: [{ id: 'v', label: label('v'), when: { var: h.pick(derived).key } }],
    grades: [
      { id: 'pass', label: label('p'), min: 1 },
      { id: 'fail', label: label('f'), min: 0 },
    ],
  } as unknown as RuleDocument;
  const values = () => {
    const v: Record<string, unknown> = {};
    if (h.chance(70)) v.n = h.pick([0, -0.5, 1, 2.5, 1.005, 3, 100, -3]);
    if (h.chance(70)) v.k = h.pick([0, 1, -2, 4]);
    if (h.chance(70)) v.b = h.chance(50);
    if (h.chance(70)) v.s = h.pick(['', '0', '1', '2.5', 'abc', '1e2', ' 3 ', 'true']);
    if (h.chance(70)) v.t = h.pick(['', 'a', 'abc', '12']);
    return v;
  };
  const data: Dataset = {
    regions: Array.from({ length: h.int(1, 4) }, (_, i) => ({
      code: `M${i}`,
      name: `m${i}`,
      values: values(),
    })),
  };
  return { document, data };
});

const show = (v: unknown) =>
  Object.is(v, -0) ? '-0' : typeof v === 'number' ? String(v) : JSON.stringify(v);

/** Derived values compared exactly (NaN equals NaN; -0 and 0 differ: 1 / x tells them apart). */
function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
  return JSON.stringify(a) === JSON.stringify(b);
}

// ---------------------------------------------------------------------------------------------
// Hand-written edge cases: each states what SPEC §3 requires, checked on the reference and the engine
// ---------------------------------------------------------------------------------------------

/** A small document: inputs x (number), y (number, default 0), flag (boolean, default false). */
function small(
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
const regions = (...values: Record<string, unknown>[]): Dataset => ({
  regions: values.map((v, i) => ({ code: `R${i + 1}`, name: `地区${i + 1}`, values: v })),
});

/** Checks the reference against SPEC-stated values, then the engine against the reference. */
function edge(document: RuleDocument, data: Dataset, check: (ref: RefEvaluation) => void): void {
  assertValid(document);
  const ref = refOf(document, data);
  check(ref);
  const diffs = differences(normalize(ref), normalize(evaluate(document, data)));
  expect(diffs, report(document, data, diffs)).toEqual([]);
}
const byRegion = (ev: RefEvaluation, code: string) => ev.results.find((r) => r.region === code)!;
const itemPoints = (ev: RefEvaluation, code: string) =>
  Object.fromEntries(byRegion(ev, code).categories.flatMap((c) => c.items.map((i) => [i.id, i.points])));

describe('edge cases (SPEC §3)', () => {
  test('rounding on the shortest decimal form: 1.005 → 1.01, 2.675 → 2.68, 0.1 + 0.2 → 0.3', () => {
    const doc = small({}, [
      { maxPoints: 5, logic: { var: 'x' } },
      { maxPoints: 5, logic: { var: 'y' } },
      { maxPoints: 1, logic: { '+': [0.1, 0.2] } },
      { maxPoints: 1, logic: 0.1 },
      { maxPoints: 1, logic: 0.1 },
      { maxPoints: 1, logic: 0.1 },
      { maxPoints: 1, logic: { round: [{ '*': [{ var: 'x' }, 10] }, 1] } },
    ]);
    edge(doc, regions({ x: 1.005, y: 2.675 }, { x: 89.99999999 / 100, y: 0.015 }), (ref) => {
      expect(itemPoints(ref, 'R1')).toMatchObject({ i0: 1.01, i1: 2.68, i2: 0.3, i3: 0.1 });
      expect(byRegion(ref, 'R1').total).toBe(4.29 + 1); // 1.01 + 2.68 + 0.3 + 0.3 + round(10.05, 1) clamped to 1
      expect(itemPoints(ref, 'R2')).toMatchObject({ i0: 0.9, i1: 0.02 });
    });
  });

  test('the score grade reads the rounded total: 89.995 → 90.00 is excellent', () => {
    edge(small(), regions({ x: 49.995, y: 40 }, { x: 49.994, y: 40 }), (ref) => {
      expect(ref.results.map((r) => [r.total, r.scoreGrade, r.rank])).toEqual([
        [90, 'excellent', 1],
        [89.99, 'good', 2],
      ]);
    });
  });

  test('clamping to [0, maxPoints] before rounding; raw and clamped reported', () => {
    const doc = small({}, [
      { maxPoints: 4, logic: { '-': [4, { var: 'x' }] } },
      { maxPoints: 6, logic: { var: 'y' } },
    ]);
    edge(doc, regions({ x: 5, y: 6.004 }, { x: -1, y: 5.995 }), (ref) => {
      const r1 = byRegion(ref, 'R1').categories[0].items;
      expect(r1.map((i) => [i.raw, i.points, i.clamped])).toEqual([
        [-1, 0, true],
        [6.004, 6, true],
      ]);
      const r2 = byRegion(ref, 'R2').categories[0].items;
      expect(r2.map((i) => [i.raw, i.points, i.clamped])).toEqual([
        [5, 4, true],
        [5.995, 6, false], // rounds up to maxPoints, but was not clamped
      ]);
    });
  });

  test('inputs: defaults, missing required, wrong types, min/max/enum, undeclared keys ignored', () => {
    const doc = small({
      inputs: [
        { key: 'x', label: label('x'), type: 'number', min: 0, max: 100 },
        { key: 'y', label: label('y'), type: 'number', default: 0 },
        { key: 'k', label: label('k'), type: 'integer', required: false },
        { key: 'flag', label: label('flag'), type: 'boolean', default: false },
        {
          key: 'src',
          label: label('src'),
          type: 'string',
          enum: ['provincial', 'national'],
          required: false,
        },
      ],
    });
    edge(
      doc,
      regions(
        { x: 50, extra: 1 }, // ok: y defaults to 0, extra ignored
        {}, // x missing
        { x: '50' }, // wrong type
        { x: 100.0001 }, // above max
        { x: 50, k: 1.5 }, // not an integer
        { x: 50, flag: 1 }, // not a boolean
        { x: 50, src: 'city' }, // not in enum
        { x: 50, y: null }, // null: our reading is "missing", so the default applies
      ),
      (ref) => {
        expect(ref.results.map((r) => r.region)).toEqual(['R1', 'R8']);
        expect(ref.errors.map((e) => `${e.region}:${e.key}`)).toEqual([
          'R2:x',
          'R3:x',
          'R4:x',
          'R5:k',
          'R6:flag',
          'R7:src',
        ]);
        expect(ref.warnings).toEqual([{ region: 'R1', key: 'extra' }]);
      },
    );
  });

  test('a formula that yields no finite number is an error naming the item (others still scored)', () => {
    const doc = small({}, [
      { maxPoints: 50, logic: { '/': [100, { var: 'x' }] } },
      { maxPoints: 50, logic: { clamp: [{ '/': [100, { var: 'y' }] }, 0, 50] } }, // Infinity clamped: fine
    ]);
    edge(doc, regions({ x: 0 }, { x: 4 }, { x: -0.0 }), (ref) => {
      expect(ref.errors.map((e) => `${e.region}:${e.item}`)).toEqual(['R1:i0', 'R3:i0']);
      expect(byRegion(ref, 'R2')).toMatchObject({ total: 75, rank: 1 });
    });
  });

  test('bonus: items clamped at 0 and rounded, summed, capped', () => {
    const doc = small({
      bonus: {
        cap: 5,
        items: [
          { id: 'b1', label: label('b1'), logic: { var: 'y' } },
          { id: 'b2', label: label('b2'), logic: { if: [{ var: 'flag' }, 3.005, -2] } },
        ],
      },
    });
    edge(doc, regions({ x: 50, y: 1.234 }, { x: 50, y: 4, flag: true }, { x: 50, y: -3 }), (ref) => {
      expect(byRegion(ref, 'R1')).toMatchObject({ bonus: 1.23, total: 52.46 });
      expect(byRegion(ref, 'R2')).toMatchObject({ bonus: 5, total: 59 });
      expect(byRegion(ref, 'R3')).toMatchObject({ bonus: 0, total: 50 }); // item y: -3 → 0; bonus -3 → 0
    });
  });

  test('downgrades (max and sum, never below the last grade), caps after downgrades, vetoes last', () => {
    const base = {
      downgrades: [
        { id: 'd1', label: label('d1'), when: { var: 'flag' }, levels: 1 },
        { id: 'd2', label: label('d2'), when: { var: 'flag2' }, levels: 2 },
      ],
      caps: [{ id: 'cap', label: label('cap'), when: { '>': [{ var: 'y' }, 30] }, maxGrade: 'good' }],
      vetoes: [{ id: 'veto', label: label('veto'), when: { '==': [{ var: 'y' }, 39] } }],
    };
    const data = regions(
      { x: 55, y: 40, flag: true }, // 95 excellent → d1 → good; cap good: stays good
      { x: 55, y: 40, flag: true, flag2: true }, // max: 2 levels → qualified; sum: 3 → unqualified
      { x: 60, y: 35 }, // 95 excellent → cap → good
      { x: 60, y: 39 }, // 99 excellent → veto → unqualified
      { x: 10, y: 5, flag2: true }, // 15 unqualified → stays last
    );
    edge(small(base), data, (ref) => {
      expect(ref.results.map((r) => [r.scoreGrade, r.grade])).toEqual([
        ['excellent', 'good'],
        ['excellent', 'qualified'],
        ['excellent', 'good'],
        ['excellent', 'unqualified'],
        ['unqualified', 'unqualified'],
      ]);
    });
    edge(small({ ...base, downgradeStacking: 'sum' }), data, (ref) => {
      expect(byRegion(ref, 'R2').grade).toBe('unqualified');
    });
  });

  test('ranking: grade first, then total; ties share a rank (1, 2, 2, 4); unscored regions have none', () => {
    const doc = small({
      caps: [{ id: 'cap', label: label('cap'), when: { var: 'flag' }, maxGrade: 'good' }],
    });
    const data = regions(
      { x: 50, y: 40 }, // 90 excellent
      { x: 55, y: 40, flag: true }, // 95 but good
      { x: 45, y: 40 }, // 85 good
      { x: 45, y: 40 }, // 85 good
      { y: 1 }, // error
      { x: 45, y: 39.995 }, // y → 40.00 on its shortest form: 85, tied with R3 and R4
      { x: 40, y: 40 }, // 80
    );
    edge(doc, data, (ref) => {
      expect(ref.results.map((r) => [r.region, r.total, r.rank])).toEqual([
        ['R1', 90, 1],
        ['R2', 95, 2],
        ['R3', 85, 3],
        ['R4', 85, 3],
        ['R6', 85, 3],
        ['R7', 80, 6],
      ]);
    });
  });

  test('derived values in dependency order, whatever their order in the document', () => {
    const doc = small(
      {
        derived: [
          { key: 'c', label: label('c'), logic: { '+': [{ var: 'b' }, 1] } },
          { key: 'b', label: label('b'), logic: { '*': [{ var: 'a' }, 2] } },
          { key: 'a', label: label('a'), logic: { '-': [{ var: 'x' }, 10] } },
        ],
      },
      [{ maxPoints: 100, logic: { var: 'c' } }],
    );
    edge(doc, regions({ x: 30 }), (ref) => expect(byRegion(ref, 'R1').total).toBe(41));
  });

  test('interp: piecewise-linear, flat beyond the ends; clamp; round half away from zero', () => {
    const doc = small({ precision: 3 }, [
      {
        maxPoints: 10,
        logic: {
          interp: [
            { var: 'x' },
            [
              [0, 0],
              [10, 4],
              [20, 10],
            ],
          ],
        },
      },
      { maxPoints: 10, logic: { clamp: [{ var: 'y' }, 2, 8] } },
      { maxPoints: 10, logic: { '+': [5, { round: [{ var: 'y' }, 1] }] } },
    ]);
    edge(doc, regions({ x: -5, y: -0.25 }, { x: 5, y: 9 }, { x: 15, y: 2.45 }, { x: 25, y: 0.05 }), (ref) => {
      expect(ref.results.map((r) => r.categories[0].items.map((i) => i.points))).toEqual([
        [0, 2, 4.7],
        [2, 8, 10],
        [7, 2.45, 7.5],
        [10, 2, 5.1],
      ]);
    });
  });

  test('interp at an interior breakpoint (x = x_i) yields y_i exactly', () => {
    // SPEC §2: interp is piecewise-linear through [x_i, y_i]; at x = 3 the scale says 0.35 → 0.4 (one decimal).
    const doc = small({ precision: 1 }, [
      {
        maxPoints: 2,
        logic: {
          interp: [
            { var: 'x' },
            [
              [0, 0],
              [3, 0.35],
              [10, 2],
            ],
          ],
        },
      },
    ]);
    const data = regions({ x: 3 });
    const ref = refOf(doc, data);
    expect(itemPoints(ref, 'R1')).toEqual({ i0: 0.4 });
    expect(byRegion(ref, 'R1').categories[0].items[0].raw).toBe(0.35);
    // Found by this test: the engine once computed 0 + (0.35 - 0) * (3 - 0) / (3 - 0) = 0.3499999999999999.
    for (const mode of ['compiled', 'interpreted'] as const) {
      const eng = evaluate(doc, data, { mode }).results[0].categories[0].items[0];
      expect(eng.points).toBe(0.4);
      expect(eng.raw).toBe(0.35);
    }
  });

  test('{"+": [s]} with one argument follows json-logic-js (0 + parseFloat(s)), so "-0" gives +0', () => {
    // json-logic-js reduces "+" from 0, so {"+": ["-0"]} is 0 + -0 = +0 and 1 / that is Infinity → clamp 5.
    const doc = {
      ...small({}, [{ maxPoints: 5, logic: { clamp: [{ '/': [1, { '+': [{ var: 's' }] }] }, 0, 5] } }]),
      inputs: [{ key: 's', label: label('s'), type: 'string' }],
    } as unknown as RuleDocument;
    const data = regions({ s: '-0' });
    assertValid(doc);
    expect(byRegion(refOf(doc, data), 'R1').total).toBe(5);
    expect(evaluate(doc, data, { mode: 'interpreted' }).results[0].total).toBe(5);
    // Found by this test: the compiled pipeline once returned parseFloat("-0") = -0 (1 / -0 → 0 points).
    expect(evaluate(doc, data).results[0].total).toBe(5);
  });

  test('a bonus cap finer than precision: bonus = min(cap, sum), never above the cap', () => {
    // SPEC §3.5 "Bonus = min(cap, sum)" gives 2.5 here (the engine once rounded it to 3, above the cap);
    // total = round(base + bonus) = 53.
    const doc = small({
      precision: 0,
      bonus: { cap: 2.5, items: [{ id: 'b', label: label('b'), logic: 3 }] },
    });
    const data = regions({ x: 50 });
    const ref = refOf(doc, data);
    expect(byRegion(ref, 'R1')).toMatchObject({ base: 50, bonus: 2.5, total: 53 });
    const eng = evaluate(doc, data).results[0];
    for (const mode of ['compiled', 'interpreted'] as const)
      expect(evaluate(doc, data, { mode }).results[0]).toMatchObject({ bonus: 2.5, total: 53 });
  });
});

describe('differential: engine vs SPEC §3 reference', () => {
  test('generated documents are valid', () => {
    fc.assert(
      fc.property(caseArb, ({ document }) => assertValid(document)),
      { seed: SEED, numRuns: 100 },
    );
  });

  test('random documents and datasets', () => {
    resetKnownHits();
    fc.assert(
      fc.property(caseArb, ({ document, data }) => {
        assertValid(document);
        const diffs = compareEngine(document, data);
        if (diffs.length > 0) throw new Error(report(document, data, diffs));
        if (STATS) collectStats(document, data);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    if (STATS) console.log(stats);
    if (Object.keys(knownHits).length > 0) console.info('known divergences hit (reported):', knownHits);
  });
});

/**
 * The dataset as a CSV file (SPEC §4: columns code, name, one per input key; an optional second
 * header row starting with #; booleans as true/false/1/0/是/否; empty cells are missing values), and
 * the values the reference should see for it under our reading of those rules: a number column
 * holds decimal literals, anything else in it is a value of the wrong type.
 */
function asCsv(document: RuleDocument, data: Dataset, n: number): { csv: string; typed: Dataset } {
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

async function compareCli(
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
async function pool<T>(limit: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
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

describe('differential: the JSON-logic dialect on mixed-type values', () => {
  test('derived values and results equal the reference (json-logic-js itself) on every path', () => {
    resetKnownHits();
    fc.assert(
      fc.property(mixedArb, ({ document, data }) => {
        assertValid(document);
        const diffs = compareEngine(document, data);
        const ref = refOf(document, data);
        if (STATS) bump('dialect scored regions', ref.results.length);
        const derivedOf = (ev: RefEvaluation) =>
          Object.fromEntries(ev.results.map((r) => [r.region, r.derived]));
        const wanted = [derivedOf(ref), ...KNOWN.map((k) => derivedOf(refOf(document, data, k.opts)))];
        for (const mode of ['compiled', 'interpreted'] as const) {
          const eng = evaluate(document, data, { mode });
          const mismatches = (want: Record<string, Record<string, unknown>>) =>
            eng.results.flatMap((r) =>
              Object.entries(want[r.region] ?? {})
                .filter(([k, v]) => !sameValue(v, r.derived?.[k]))
                .map(
                  ([k, v]) =>
                    `${mode} ${r.region} derived ${k}: reference ${show(v)}, engine ${show(r.derived?.[k])}`,
                ),
            );
          const strict = mismatches(wanted[0]);
          if (strict.length === 0) continue;
          const k = KNOWN.findIndex((_, i) => mismatches(wanted[i + 1]).length === 0);
          if (k >= 0) knownHits[KNOWN[k].name] = (knownHits[KNOWN[k].name] ?? 0) + 1;
          else diffs.push(...strict);
        }
        if (diffs.length > 0) throw new Error(report(document, data, diffs));
      }),
      { seed: SEED, numRuns: Math.ceil(RUNS / 2) },
    );
    if (STATS) console.log(stats);
    if (Object.keys(knownHits).length > 0) console.info('known divergences hit (reported):', knownHits);
  });
});

describe('differential: command line vs SPEC §3 reference', () => {
  test('ecoscore evaluate --json on sampled cases (JSON and CSV data)', { timeout: 600_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecoscore-diff-'));
    const samples = fc.sample(caseArb, { seed: SEED + 1, numRuns: CLI_RUNS });
    const tasks = samples.flatMap(({ document, data }, n) => {
      assertValid(document);
      const rules = join(dir, `rules-${n}.json`);
      writeFileSync(rules, JSON.stringify(document));
      const jsonFile = join(dir, `data-${n}.json`);
      writeFileSync(jsonFile, JSON.stringify(data));
      const run = [
        async () => ({
          document,
          data,
          diffs: await compareCli(document, data, jsonFile, rules, 'CLI (JSON)'),
        }),
      ];
      if (n % 2 === 0) {
        const { csv, typed } = asCsv(document, data, n);
        const csvFile = join(dir, `data-${n}.csv`);
        writeFileSync(csvFile, csv);
        run.push(async () => ({
          document,
          data: typed,
          diffs: await compareCli(document, typed, csvFile, rules, 'CLI (CSV)'),
        }));
      }
      return run;
    });
    const outcomes = await pool(4, tasks);
    const problems = outcomes
      .filter((o) => o.diffs.length > 0)
      .map((o) => report(o.document, o.data, o.diffs));
    expect(problems).toEqual([]);
  });
});
